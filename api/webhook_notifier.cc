#include "api/webhook_notifier.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <charconv>
#include <cstdio>

#include "base/hex.h"
#include "base/json_writer.h"
#include "base/logging.h"
#include "net/http_client.h"
#include "projector/record_gate.h"

namespace wit {
namespace {

constexpr char kCursorKey[] = "cursor";
constexpr char kOutboxPrefix[] = "outbox/";
constexpr char kWarnedPrefix[] = "warned/";
constexpr char kExpiryPrefix[] = "expiry/";
constexpr int64_t kDayMs = 24LL * 3600 * 1000;
constexpr int kThresholds[] = {30, 7, 1};  // days left; 0 is the day it expired

// NextSeq is the sequence number after the outbox key `key`'s (0 for a key that is not one).
uint64_t NextSeq(const std::string& key) {
  uint64_t seq = 0;
  const char* begin = key.data() + sizeof(kOutboxPrefix) - 1;
  auto [end, ec] = std::from_chars(begin, key.data() + key.size(), seq);
  return ec == std::errc() ? seq + 1 : 0;
}

std::string OutboxKey(uint64_t seq) {
  char digits[21];
  std::snprintf(digits, sizeof(digits), "%020llu", static_cast<unsigned long long>(seq));
  return kOutboxPrefix + std::string(digits);
}

std::string ExpiryKey(const std::string& token_id) { return kExpiryPrefix + token_id; }

// An expiry entry is the token's expiresAt (ms), '\n', and its notice's "token" object.
std::string EncodeExpiry(TimeMs expires_at, const std::string& token_json) {
  return std::to_string(expires_at) + "\n" + token_json;
}

std::optional<std::pair<TimeMs, std::string>> DecodeExpiry(const std::string& s) {
  size_t nl = s.find('\n');
  if (nl == std::string::npos) return std::nullopt;
  TimeMs at = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + nl, at);
  if (ec != std::errc() || end != s.data() + nl) return std::nullopt;
  return std::make_pair(at, s.substr(nl + 1));
}

std::string WarnedKey(const std::string& token_id, int threshold) {
  return kWarnedPrefix + token_id + "/" + std::to_string(threshold);
}

// A notice is stored as its id, kind and body, each of the first two ending in '\n' (neither
// holds one: ids are UUIDs or "expiry:<uuid>:<n>", kinds are fixed names).
std::string EncodeNotice(const WebhookNotice& n) { return n.id + "\n" + n.kind + "\n" + n.body; }

std::optional<WebhookNotice> DecodeNotice(const std::string& s) {
  size_t a = s.find('\n');
  size_t b = a == std::string::npos ? a : s.find('\n', a + 1);
  if (b == std::string::npos) return std::nullopt;
  return WebhookNotice{s.substr(0, a), s.substr(a + 1, b - a - 1), s.substr(b + 1)};
}

// TokenJson is the notice's "token" object: what a receiver needs to name the token, never
// its hash or plaintext.
std::string TokenJson(const std::string& id, const std::string& user, const TokenState* known,
                      const Event* created) {
  JsonWriter w;
  w.BeginObject().Key("id").String(id).Key("userId").String(user);
  const std::string* name = created ? &created->name : known ? &known->name : nullptr;
  const std::string* prefix = created ? &created->prefix : known ? &known->prefix : nullptr;
  if (name) w.Key("name").String(*name);
  if (prefix) w.Key("prefix").String(*prefix);
  if (created) {
    w.Key("scopes").StringArray(created->scopes).Key("expiresAt").OptTime(created->expires_at);
  } else if (known) {
    w.Key("scopes").StringArray(known->scopes).Key("expiresAt").OptTime(known->expires_at);
  }
  w.EndObject();
  return w.Take();
}

}  // namespace

std::optional<WebhookNotice> NoticeForEvent(const Event& e, const TokenState* token) {
  WebhookNotice n;
  n.id = e.event_id;
  if (e.type == EventType::kCreated) {
    n.kind = e.rotated_from ? "token.rotated" : "token.created";
  } else if (e.type == EventType::kRevoked) {
    n.kind = e.reason == "leaked" ? "token.leaked" : "token.revoked";
  } else {
    return std::nullopt;
  }
  JsonWriter w;
  w.BeginObject().Key("id").String(n.id).Key("event").String(n.kind);
  w.Key("occurredAt").Time(e.occurred_at);
  w.Key("token").Raw(
      TokenJson(e.token_id, e.user_id, token, e.type == EventType::kCreated ? &e : nullptr));
  if (e.rotated_from) w.Key("rotatedFrom").String(*e.rotated_from);
  if (e.type == EventType::kRevoked) {
    w.Key("revokedBy").String(e.revoked_by);
    w.Key("reason");
    if (e.reason) {
      w.String(*e.reason);
    } else {
      w.Null();
    }
    if (e.report_url || e.report_source) {
      w.Key("report").BeginObject();
      if (e.report_url) w.Key("url").String(*e.report_url);
      if (e.report_source) w.Key("source").String(*e.report_source);
      w.EndObject();
    }
  }
  w.EndObject();
  n.body = w.Take();
  return n;
}

std::optional<int> ExpiryThreshold(TimeMs expires_at, TimeMs now) {
  TimeMs left = expires_at - now;
  if (left <= 0) return left > -kDayMs ? std::optional<int>(0) : std::nullopt;
  std::optional<int> due;
  for (int days : kThresholds) {
    if (left <= days * kDayMs) due = days;
  }
  return due;
}

std::string WebhookSignature(const std::string& secret, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  return "sha256=" + HexEncode(std::string_view(reinterpret_cast<const char*>(mac), len));
}

WebhookNotifier::WebhookNotifier(EventLog* log, const TokenView* view,
                                 std::shared_ptr<const EventAuthenticator> auth, Metrics* metrics,
                                 Options options)
    : log_(log),
      view_(view),
      auth_(std::move(auth)),
      metrics_(metrics),
      options_(std::move(options)) {}

WebhookNotifier::~WebhookNotifier() { Stop(); }

Status WebhookNotifier::Start() {
  // The URL is logged and posted to: a password or a key in it would land in witd's log, and
  // the query would be dropped. The secret belongs in --webhook-secret-file.
  if (options_.url.find('@') != std::string::npos || options_.url.find('?') != std::string::npos) {
    return Status::InvalidArgument(
        "--webhook: a URL with credentials or a query is refused; notices are signed with "
        "--webhook-secret-file instead");
  }
  StatusOr<ServerAddress> server = ParseServerUrl(options_.url);
  if (!server.ok()) return Status::InvalidArgument("--webhook: " + server.status().message());
  server_ = *server;
  if (options_.secret.empty()) return Status::InvalidArgument("--webhook needs a secret");
  rocksdb::Options o;
  o.create_if_missing = true;
  o.max_open_files = 64;
  rocksdb::DB* db = nullptr;
  rocksdb::Status rs = rocksdb::DB::Open(o, options_.state_dir, &db);
  if (!rs.ok()) {
    return Status::Unavailable("webhook state " + options_.state_dir + ": " + rs.ToString());
  }
  db_.reset(db);

  std::string cursor;
  rs = db_->Get(rocksdb::ReadOptions(), kCursorKey, &cursor);
  if (rs.IsNotFound()) {
    if (Status s = FirstUse(); !s.ok()) return s;
  } else if (!rs.ok()) {
    return Status::Unavailable("webhook state: " + rs.ToString());
  } else {
    StatusOr<LogPositions> parsed = ParsePositions(cursor);
    if (!parsed.ok()) return Status::FailedPrecondition("webhook state: the cursor is unreadable");
    cursor_ = *parsed;
  }
  size_t queued = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(kOutboxPrefix); it->Valid() && it->key().starts_with(kOutboxPrefix); it->Next()) {
    uint64_t next = NextSeq(it->key().ToString());
    if (next == 0) return Status::FailedPrecondition("webhook state: an outbox key is unreadable");
    if (queued++ == 0) send_from_ = next - 1;
    next_seq_ = next;
  }
  queued_ = queued;
  if (Status s = ScanExpiries(); !s.ok()) return s;
  feeder_ = std::thread([this] { Feed(); });
  sender_ = std::thread([this] { Send(); });
  return Status::OK();
}

Status WebhookNotifier::FirstUse() {
  // Notices start with what happens from now on, not the whole history: the cursor is the
  // log's end, and the expiry index holds the view's active tokens that expire, once the view
  // has caught up with that end (a new node's view may be rebuilding from a long history).
  StatusOr<LogPositions> end = log_->EndPositions();
  if (!end.ok()) return end.status();
  LogPositions at = *end;
  for (int i = 0; i < 300 && !view_->CaughtUpWith(at); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!view_->CaughtUpWith(at)) {
    LogWarn(
        "webhook: the view is still catching up with the log; tokens it has not applied "
        "yet get no expiry warnings");
  }
  rocksdb::WriteBatch batch;
  TimeMs now = options_.now();
  view_->ScanTokens("", [&](const TokenState& t) {
    if (t.created && t.expires_at && !t.revoked_at && *t.expires_at > now - kDayMs) {
      batch.Put(ExpiryKey(t.id),
                EncodeExpiry(*t.expires_at, TokenJson(t.id, t.user_id, &t, nullptr)));
    }
    return true;
  });
  batch.Put(kCursorKey, FormatPositions(at));
  rocksdb::WriteOptions sync;
  sync.sync = true;
  if (rocksdb::Status rs = db_->Write(sync, &batch); !rs.ok()) {
    return Status::Unavailable("webhook state: " + rs.ToString());
  }
  cursor_ = at;
  return Status::OK();
}

void WebhookNotifier::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (feeder_.joinable()) feeder_.join();
  if (sender_.joinable()) sender_.join();
  db_.reset();
}

bool WebhookNotifier::Sleep(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  wake_.wait_for(lock, d, [this] { return stop_; });
  return !stop_;
}

Status WebhookNotifier::Queue(const std::vector<WebhookNotice>& notices, const StateWrites& also) {
  std::lock_guard<std::mutex> lock(mu_);
  rocksdb::WriteBatch batch;
  uint64_t seq = next_seq_;
  for (const WebhookNotice& n : notices) batch.Put(OutboxKey(seq++), EncodeNotice(n));
  for (const auto& [key, value] : also) {
    if (value) {
      batch.Put(key, *value);
    } else {
      batch.Delete(key);
    }
  }
  rocksdb::WriteOptions sync;
  sync.sync = true;
  rocksdb::Status rs = db_->Write(sync, &batch);
  if (!rs.ok()) return Status::Unavailable("webhook outbox: " + rs.ToString());
  next_seq_ = seq;
  queued_ += notices.size();
  for (const WebhookNotice& n : notices) {
    metrics_->Increment("wit_webhook_notices_total", {{"event", n.kind}});
  }
  if (!notices.empty()) wake_.notify_all();
  return Status::OK();
}

Status WebhookNotifier::ScanExpiries() {
  // The expiry index is the feeder's own, kept in step with its cursor: a warning is queued
  // after its token's token.created notice and never after its token.revoked one.
  TimeMs now = options_.now();
  std::vector<WebhookNotice> notices;
  StateWrites writes;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(kExpiryPrefix); it->Valid() && it->key().starts_with(kExpiryPrefix); it->Next()) {
    std::string key = it->key().ToString();
    std::string token_id = key.substr(sizeof(kExpiryPrefix) - 1);
    std::optional<std::pair<TimeMs, std::string>> entry = DecodeExpiry(it->value().ToString());
    std::optional<int> due = entry ? ExpiryThreshold(entry->first, now) : std::nullopt;
    if (!entry || (!due && entry->first <= now)) {
      writes.emplace_back(key, std::nullopt);  // past its last warning
      continue;
    }
    if (!due) continue;
    std::string ignored;
    rocksdb::Status rs = db_->Get(rocksdb::ReadOptions(), WarnedKey(token_id, *due), &ignored);
    if (rs.ok()) continue;
    if (!rs.IsNotFound()) return Status::Unavailable("webhook state: " + rs.ToString());
    WebhookNotice n;
    n.id = "expiry:" + token_id + ":" + std::to_string(*due);
    n.kind = *due == 0 ? "token.expired" : "token.expiring";
    JsonWriter w;
    w.BeginObject().Key("id").String(n.id).Key("event").String(n.kind);
    w.Key("occurredAt").Time(now).Key("token").Raw(entry->second);
    if (*due > 0) w.Key("daysLeft").Int(*due);
    w.EndObject();
    n.body = w.Take();
    notices.push_back(std::move(n));
    // The thresholds it passed without a warning (a token made with 5 days left gets the
    // 7-day one only) are settled with this one.
    for (int days : {30, 7, 1, 0}) {
      if (days >= *due) writes.emplace_back(WarnedKey(token_id, days), "");
    }
    if (*due == 0) writes.emplace_back(key, std::nullopt);  // its last warning
    if (notices.size() >= 1000) break;                      // the next scan takes the rest
  }
  if (!it->status().ok()) return Status::Unavailable("webhook state: " + it->status().ToString());
  if (notices.empty() && writes.empty()) return Status::OK();
  return Queue(notices, writes);
}

void WebhookNotifier::Feed() {
  RecordGate gate(log_, auth_);
  std::unique_ptr<LogReader> reader;
  auto last_scan = std::chrono::steady_clock::now();
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
    }
    if (std::chrono::steady_clock::now() - last_scan >= options_.expiry_scan) {
      if (Status s = ScanExpiries(); !s.ok()) LogError("webhook: expiry scan: " + s.ToString());
      last_scan = std::chrono::steady_clock::now();
    }
    if (queued_ >= options_.max_queued) {
      // The receiver is behind: the log keeps what is not queued yet.
      if (!Sleep(std::chrono::milliseconds(200))) return;
      continue;
    }
    if (!reader) {
      StatusOr<std::unique_ptr<LogReader>> opened = log_->OpenReader(cursor_);
      if (!opened.ok()) {
        LogError("webhook: reading the event log: " + opened.status().ToString());
        if (!Sleep(std::chrono::seconds(1))) return;
        continue;
      }
      reader = std::move(*opened);
    }
    std::vector<LogRecord> records;
    if (Status s = reader->Read(256, std::chrono::milliseconds(200), &records); !s.ok()) {
      LogError("webhook: reading the event log: " + s.ToString());
      reader.reset();
      if (!Sleep(std::chrono::seconds(1))) return;
      continue;
    }
    if (records.empty()) continue;
    std::vector<WebhookNotice> notices;
    StateWrites writes;
    LogPositions next = cursor_;
    for (const LogRecord& r : records) {
      next[r.stream] = r.offset + 1;
      if (log_->RoleOf(r.stream) == StreamRole::kUsage) continue;  // uses make no notice
      SkipReason why{};
      std::optional<Event> e = gate.Admit(r, &why);
      if (!e || e->type == EventType::kUsed) continue;
      StatusOr<TokenState> known = view_->GetById(e->token_id);
      std::optional<WebhookNotice> n = NoticeForEvent(*e, known.ok() ? &*known : nullptr);
      if (n) notices.push_back(std::move(*n));
      if (e->type == EventType::kCreated && e->expires_at) {
        writes.emplace_back(
            ExpiryKey(e->token_id),
            EncodeExpiry(*e->expires_at, TokenJson(e->token_id, e->user_id, nullptr, &*e)));
      } else if (e->type == EventType::kRevoked) {
        writes.emplace_back(ExpiryKey(e->token_id), std::nullopt);
      }
    }
    writes.emplace_back(kCursorKey, FormatPositions(next));
    if (Status s = Queue(notices, writes); !s.ok()) {
      // Nothing of the batch was written: read it again from the cursor.
      LogError("webhook: " + s.ToString());
      reader.reset();
      if (!Sleep(std::chrono::seconds(1))) return;
      continue;
    }
    cursor_ = next;
  }
}

void WebhookNotifier::Send() {
  std::chrono::milliseconds backoff = options_.initial_backoff;
  bool failing = false;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return stop_ || queued_ > 0; });
      if (stop_) return;
    }
    std::string key, value;
    {
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
      it->Seek(OutboxKey(send_from_));  // past the notices sent: no walk over their tombstones
      if (!it->Valid() || !it->key().starts_with(kOutboxPrefix)) {
        // queued_ and the outbox disagree only if a write failed half-way: trust the outbox.
        queued_ = 0;
        continue;
      }
      key = it->key().ToString();
      value = it->value().ToString();
    }
    std::optional<WebhookNotice> notice = DecodeNotice(value);
    bool delivered = !notice || Deliver(*notice);  // an unreadable entry is dropped
    if (delivered) {
      rocksdb::WriteOptions sync;
      sync.sync = true;
      if (rocksdb::Status rs = db_->Delete(sync, key); !rs.ok()) {
        LogError("webhook outbox: " + rs.ToString());
        if (!Sleep(std::chrono::seconds(1))) return;
        continue;
      }
      --queued_;
      send_from_ = NextSeq(key);
      if (failing) LogInfo("webhook: " + Where() + " answers again");
      failing = false;
      backoff = options_.initial_backoff;
      continue;
    }
    if (!failing) LogError("webhook: delivery to " + Where() + " failed; retrying with backoff");
    failing = true;
    if (!Sleep(backoff)) return;
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

std::string WebhookNotifier::Where() const {
  return std::string(server_.https ? "https://" : "http://") + server_.host + ":" +
         std::to_string(server_.port);
}

bool WebhookNotifier::Deliver(const WebhookNotice& notice) {
  StatusOr<HttpAnswer> answer =
      HttpExchange(server_, "POST", server_.base_path.empty() ? "/" : "", notice.body,
                   {{"Content-Type", "application/json"},
                    {"User-Agent", "wit-webhook/1"},
                    {"X-Wit-Event", notice.kind},
                    {"X-Wit-Delivery", notice.id},
                    {"X-Wit-Signature-256", WebhookSignature(options_.secret, notice.body)}},
                   options_.timeout);
  bool ok = answer.ok() && answer->status >= 200 && answer->status < 300;
  metrics_->Increment("wit_webhook_deliveries_total", {{"result", ok ? "delivered" : "failed"}});
  return ok;
}

}  // namespace wit
