#include "api/webhook_notifier.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

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
constexpr int64_t kDayMs = 24LL * 3600 * 1000;
constexpr int kThresholds[] = {30, 7, 1};  // days left; 0 is the day it expired

std::string OutboxKey(uint64_t seq) {
  char digits[21];
  std::snprintf(digits, sizeof(digits), "%020llu", static_cast<unsigned long long>(seq));
  return kOutboxPrefix + std::string(digits);
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

// WriteToken writes the notice's "token" object: what a receiver needs to name the token,
// never its hash or plaintext.
void WriteToken(JsonWriter& w, const std::string& id, const std::string& user,
                const TokenState* known, const Event* created) {
  w.Key("token").BeginObject().Key("id").String(id).Key("userId").String(user);
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
}

// NotAhead reports whether `view` has applied nothing past `cursor` in any stream.
bool NotAhead(const LogPositions& view, const LogPositions& cursor) {
  for (const auto& [stream, offset] : view) {
    auto it = cursor.find(stream);
    if (offset > (it == cursor.end() ? 0 : it->second)) return false;
  }
  return true;
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
  WriteToken(w, e.token_id, e.user_id, token, e.type == EventType::kCreated ? &e : nullptr);
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

std::optional<int> ExpiryThreshold(const TokenState& t, TimeMs now) {
  if (!t.created || !t.expires_at || t.revoked_at) return std::nullopt;
  TimeMs left = *t.expires_at - now;
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
  StatusOr<ServerAddress> server = ParseServerUrl(options_.url);
  if (!server.ok()) return Status::InvalidArgument("--webhook: " + server.status().message());
  server_ = *server;
  if (options_.secret.empty()) return Status::InvalidArgument("--webhook needs a secret");
  rocksdb::Options o;
  o.create_if_missing = true;
  o.max_open_files = 64;
  rocksdb::DB* db = nullptr;
  rocksdb::Status rs = rocksdb::DB::Open(o, options_.state_dir, &db);
  if (!rs.ok())
    return Status::Unavailable("webhook state " + options_.state_dir + ": " + rs.ToString());
  db_.reset(db);

  std::string cursor;
  rs = db_->Get(rocksdb::ReadOptions(), kCursorKey, &cursor);
  if (rs.IsNotFound()) {
    // First use: notices start with what happens from now on, not the whole history.
    StatusOr<LogPositions> end = log_->EndPositions();
    if (!end.ok()) return end.status();
    cursor_ = *end;
    rocksdb::WriteOptions sync;
    sync.sync = true;
    rs = db_->Put(sync, kCursorKey, FormatPositions(cursor_));
    if (!rs.ok()) return Status::Unavailable("webhook state: " + rs.ToString());
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
    ++queued;
    next_seq_ = std::stoull(it->key().ToString().substr(sizeof(kOutboxPrefix) - 1)) + 1;
  }
  queued_ = queued;
  if (Status s = ScanExpiries(); !s.ok()) return s;
  feeder_ = std::thread([this] { Feed(); });
  sender_ = std::thread([this] { Send(); });
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

Status WebhookNotifier::Queue(const std::vector<WebhookNotice>& notices,
                              const std::vector<std::pair<std::string, std::string>>& also) {
  std::lock_guard<std::mutex> lock(mu_);
  rocksdb::WriteBatch batch;
  uint64_t seq = next_seq_;
  for (const WebhookNotice& n : notices) batch.Put(OutboxKey(seq++), EncodeNotice(n));
  for (const auto& [key, value] : also) batch.Put(key, value);
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
  TimeMs now = options_.now();
  std::vector<WebhookNotice> notices;
  std::vector<std::pair<std::string, std::string>> warned;
  Status failed;
  view_->ScanTokens("", [&](const TokenState& t) {
    std::optional<int> due = ExpiryThreshold(t, now);
    if (!due) return true;
    std::string ignored;
    rocksdb::Status rs = db_->Get(rocksdb::ReadOptions(), WarnedKey(t.id, *due), &ignored);
    if (rs.ok()) return true;
    if (!rs.IsNotFound()) {
      failed = Status::Unavailable("webhook state: " + rs.ToString());
      return false;
    }
    WebhookNotice n;
    n.id = "expiry:" + t.id + ":" + std::to_string(*due);
    n.kind = *due == 0 ? "token.expired" : "token.expiring";
    JsonWriter w;
    w.BeginObject().Key("id").String(n.id).Key("event").String(n.kind);
    w.Key("occurredAt").Time(now);
    WriteToken(w, t.id, t.user_id, &t, nullptr);
    if (*due > 0) w.Key("daysLeft").Int(*due);
    w.EndObject();
    n.body = w.Take();
    notices.push_back(std::move(n));
    // The thresholds it passed without a warning (a token made with 5 days left gets the
    // 7-day one only) are settled with this one.
    for (int days : {30, 7, 1, 0}) {
      if (days >= *due) warned.emplace_back(WarnedKey(t.id, days), "");
    }
    return notices.size() < 1000;  // the next scan takes the rest
  });
  if (!failed.ok()) return failed;
  if (notices.empty()) return Status::OK();
  // A token's warning must not overtake its token.created notice: every token the scan saw
  // was applied below the view's positions now, so when the feeder has passed those, each
  // creation is queued already. When it has not, the next scan tries again.
  if (!NotAhead(view_->Positions(), cursor_)) return Status::OK();
  return Queue(notices, warned);
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
    }
    if (Status s = Queue(notices, {{kCursorKey, FormatPositions(next)}}); !s.ok()) {
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
      it->Seek(kOutboxPrefix);
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
      if (failing) LogInfo("webhook: " + options_.url + " answers again");
      failing = false;
      backoff = options_.initial_backoff;
      continue;
    }
    if (!failing)
      LogError("webhook: delivery to " + options_.url + " failed; retrying with backoff");
    failing = true;
    if (!Sleep(backoff)) return;
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
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
