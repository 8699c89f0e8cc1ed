#include "audit-cli/audit_source.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>
#include <tuple>

#include "base/secret_file.h"
#include "ledger/embedded_event_log.h"
#include "ledger/event_codec.h"
#include "ledger/kafka_event_log.h"
#include "ledger/log_index.h"

namespace wit {
namespace {

// LogSource reads an EventLog for wit-audit: the embedded log (opened read-only) or Kafka.
class LogSource : public AuditSource {
 public:
  // `ordered`: the log is one stream in write order. A null `auth` checks no MAC
  // (RecordGate::WithoutMacs).
  LogSource(std::unique_ptr<EventLog> log, bool ordered, bool use_index,
            std::shared_ptr<const EventAuthenticator> auth)
      : log_(std::move(log)),
        ordered_(ordered),
        use_index_(use_index),
        gate_(MakeGate(log_.get(), std::move(auth))) {}

  const RecordGate& Gate() const override { return gate_; }
  StatusOr<std::string> CurrentMac() override { return std::string(current_mac_); }
  bool Ordered() const override { return ordered_; }

  // Narrow takes two hints. With --since, the scan starts at the positions of that time (less
  // kClockSlack, for a writer whose clock runs behind) where the log keeps a time index (Kafka:
  // a record's timestamp is its produce time, never before the occurredAt witd gave it), so a
  // day's events out of years' are read without reading the years. And a token, hash, prefix
  // or user is looked up in the log's index where it has one (the embedded log).
  void Narrow(const EventFilter& filter) override {
    if (filter.since && !reader_ && next_.empty()) {
      StatusOr<LogPositions> from =
          log_->PositionsForTime(std::max<TimeMs>(0, *filter.since - kClockSlackMs));
      if (from.ok()) next_ = std::move(*from);  // else (the mock) read from the start
      at_ = nullptr;
    }
    if (use_index_) narrow_ = filter;
  }

  StatusOr<uint64_t> Remaining() override {
    StatusOr<LogPositions> start = log_->StartPositions();
    if (!start.ok()) return start.status();
    StatusOr<LogPositions> end = log_->EndPositions();
    if (!end.ok()) return end.status();
    uint64_t n = 0;
    for (const auto& [stream, high] : *end) {
      uint64_t from = From(*start, stream);
      if (high > from) n += high - from;
    }
    return n;
  }

  Status Scan(const RecordFn& fn) override {
    StatusOr<LogPositions> start = log_->StartPositions();
    if (!start.ok()) return start.status();
    StatusOr<LogPositions> end = log_->EndPositions();
    if (!end.ok()) return end.status();
    std::optional<EventFilter> narrow = std::move(narrow_);
    narrow_.reset();
    if (narrow) {
      if (Status s = ScanIndexed(*narrow, *end, fn); !s.ok() || stopped_) return s;
    }
    auto behind = [&] {
      for (const auto& [stream, high] : *end) {
        if (From(*start, stream) < high) return true;
      }
      return false;
    };
    auto last_record = std::chrono::steady_clock::now();
    while (behind()) {
      size_t before = delivered_;
      if (Status s = ReadSome(std::chrono::milliseconds(500), fn); !s.ok()) return s;
      if (stopped_) return Status::OK();
      auto now = std::chrono::steady_clock::now();
      if (delivered_ > before) {
        last_record = now;
      } else if (now - last_record > kStallLimit) {
        return Status::Unavailable("the event log delivered no record for 30 s before its end");
      }
    }
    return Status::OK();
  }

  Status Poll(std::chrono::milliseconds wait, const RecordFn& fn) override {
    return ReadSome(wait, fn);
  }

  void Rewind() override {
    reader_.reset();
    next_.clear();
    at_ = nullptr;
  }

 private:
  // A scan that sees no record for this long before reaching the end it was promised gives up:
  // Kafka may deliver nothing for a while (a rebalance of leaders, a slow fetch), not forever.
  static constexpr auto kStallLimit = std::chrono::seconds(30);
  static constexpr TimeMs kClockSlackMs = TimeMs{5} * 60 * 1000;
  // Records read per call: a reader that copies (Kafka's) holds this many at once, and the
  // embedded log's makes a new iterator per call.
  static constexpr size_t kBatch = 65536;

  // From is where the scan reads `stream` from next: its position, or the log's start.
  uint64_t From(const LogPositions& start, const std::string& stream) const {
    auto s = start.find(stream);
    auto n = next_.find(stream);
    return std::max(s == start.end() ? 0 : s->second, n == next_.end() ? 0 : n->second);
  }

  // ScanIndexed delivers the records below the index's end that `filter` could select, found
  // by its most selective indexed criterion, and moves the position past what the index
  // covers. It does nothing when the filter names no indexed criterion or the index covers
  // nothing past the position.
  Status ScanIndexed(const EventFilter& filter, const LogPositions& end, const RecordFn& fn) {
    StatusOr<LogPositions> indexed = log_->IndexedEnd();
    if (!indexed.ok()) return indexed.status();
    LogPositions covered;
    for (const auto& [stream, indexed_end] : *indexed) {
      auto e = end.find(stream);
      uint64_t to = std::min(indexed_end, e == end.end() ? 0 : e->second);
      if (to > From({}, stream)) covered[stream] = to;
    }
    if (covered.empty()) return Status::OK();
    StatusOr<std::optional<std::vector<LogPosition>>> candidates = Candidates(filter);
    if (!candidates.ok()) return candidates.status();
    if (!*candidates) return Status::OK();
    std::vector<LogPosition> wanted;
    for (const LogPosition& p : **candidates) {
      auto c = covered.find(p.stream);
      if (c != covered.end() && p.offset >= From({}, p.stream) && p.offset < c->second) {
        wanted.push_back(p);
      }
    }
    auto order = [](const LogPosition& a, const LogPosition& b) {
      return std::tie(a.stream, a.offset) < std::tie(b.stream, b.offset);
    };
    auto same = [](const LogPosition& a, const LogPosition& b) {
      return a.stream == b.stream && a.offset == b.offset;
    };
    std::sort(wanted.begin(), wanted.end(), order);
    wanted.erase(std::unique(wanted.begin(), wanted.end(), same), wanted.end());
    Status s = log_->Fetch(wanted, [&](const LogRecord& r) {
      return Deliver(LogRecordView{r.stream, r.offset, r.payload, r.mac}, fn);
    });
    if (!s.ok() || stopped_) return s;
    for (const auto& [stream, to] : covered) next_[stream] = to;
    reader_.reset();  // it would read from the old position
    return Status::OK();
  }

  // Candidates looks up the positions of every record `f` could select by its most selective
  // indexed criterion: token ids, else hash or prefix (through the token's creation), else
  // user. nullopt when it has none of them.
  StatusOr<std::optional<std::vector<LogPosition>>> Candidates(const EventFilter& f) {
    using Found = std::optional<std::vector<LogPosition>>;
    std::vector<LogPosition> positions;
    std::vector<std::string> token_ids = f.token_ids;
    if (token_ids.empty() && (f.token_hash || f.prefix)) {
      std::string term = f.token_hash ? IndexTerm(IndexTermKind::kHash, *f.token_hash)
                                      : IndexTerm(IndexTermKind::kPrefix, *f.prefix);
      if (Status s = log_->Lookup(term, &positions); !s.ok()) return s;
      Status s = log_->Fetch(positions, [&](const LogRecord& r) {
        if (StatusOr<Event> e = DecodeEvent(r.payload); e.ok()) token_ids.push_back(e->token_id);
        return true;
      });
      if (!s.ok()) return s;
      if (token_ids.empty()) return Found(std::move(positions));
    }
    if (!token_ids.empty()) {
      for (const std::string& id : token_ids) {
        if (Status s = log_->Lookup(IndexTerm(IndexTermKind::kToken, id), &positions); !s.ok())
          return s;
      }
      return Found(std::move(positions));
    }
    if (f.user) {
      if (Status s = log_->Lookup(IndexTerm(IndexTermKind::kUser, *f.user), &positions); !s.ok())
        return s;
      return Found(std::move(positions));
    }
    return Found();
  }

  // Deliver hands `r` to `fn` and moves the position past it; false when `fn` stops the scan.
  bool Deliver(const LogRecordView& r, const RecordFn& fn) {
    // Records come in runs from one stream: look its position up once per run.
    if (!at_ || at_->first != r.stream) at_ = &*next_.try_emplace(std::string(r.stream)).first;
    at_->second = r.offset + 1;
    ++delivered_;
    current_mac_ = r.mac;
    bool more = fn(at_->first, r.offset, r.payload);
    current_mac_ = {};
    stopped_ = !more;
    return more;
  }

  Status ReadSome(std::chrono::milliseconds wait, const RecordFn& fn) {
    stopped_ = false;
    if (!reader_) {
      StatusOr<std::unique_ptr<LogReader>> reader = log_->OpenReader(next_);
      if (!reader.ok()) return reader.status();
      reader_ = std::move(*reader);
    }
    Status s =
        reader_->ReadEach(kBatch, wait, [&](const LogRecordView& r) { return Deliver(r, fn); });
    // The reader may have read past the record that stopped the scan: read on from it next time.
    if (stopped_) reader_.reset();
    return s;
  }

  static RecordGate MakeGate(const EventLog* log, std::shared_ptr<const EventAuthenticator> auth) {
    if (auth) return RecordGate(log, std::move(auth));
    return RecordGate::WithoutMacs([log](const std::string& s) { return log->RoleOf(s); },
                                   log->UnsignedBefore());
  }

  std::unique_ptr<EventLog> log_;
  bool ordered_;
  bool use_index_;
  RecordGate gate_;
  std::optional<EventFilter> narrow_;
  std::unique_ptr<LogReader> reader_;
  std::string_view current_mac_;  // of the record being delivered
  LogPositions next_;
  LogPositions::value_type* at_ = nullptr;  // the entry of next_ last delivered to
  size_t delivered_ = 0;
  bool stopped_ = false;
};

// EventKey reads the event key `file` names, or <data_dir>/event.key when `file` is empty;
// null (no MAC is checked) when there is none to read.
StatusOr<std::shared_ptr<const EventAuthenticator>> EventKey(const std::string& file,
                                                             const std::string& data_dir) {
  std::string path = file;
  if (path.empty() && !data_dir.empty()) path = data_dir + "/event.key";
  if (path.empty()) return std::shared_ptr<const EventAuthenticator>();
  StatusOr<std::string> key = ReadSecret(path, "event key");
  if (!key.ok() && key.status().code() == Status::Code::kNotFound && file.empty()) {
    return std::shared_ptr<const EventAuthenticator>();
  }
  if (!key.ok()) return key.status();
  return std::make_shared<const EventAuthenticator>(std::move(*key));
}

StatusOr<std::unique_ptr<AuditSource>> OpenEmbedded(const SourceOptions& o) {
  const std::string& data_dir = o.data_dir;
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(data_dir, ec)) {
    return Status::NotFound("data dir " + data_dir + " does not exist");
  }
  fs::path log_dir = fs::path(data_dir) / "log";
  if (!fs::exists(log_dir / "CURRENT", ec)) {
    return Status::NotFound(data_dir + " is not a wit ledger data dir: it has no event log (log/)");
  }
  StatusOr<std::unique_ptr<EmbeddedEventLog>> log =
      EmbeddedEventLog::OpenReadOnly(log_dir.string());
  if (!log.ok()) return log.status();
  StatusOr<std::shared_ptr<const EventAuthenticator>> auth = EventKey(o.event_key_file, data_dir);
  if (!auth.ok()) return auth.status();
  return std::unique_ptr<AuditSource>(
      new LogSource(std::move(*log), /*ordered=*/true, o.use_index, std::move(*auth)));
}

StatusOr<std::unique_ptr<AuditSource>> OpenKafka(const SourceOptions& o) {
  KafkaEventLogOptions options;
  options.brokers = o.kafka_brokers;
  options.topic_prefix = o.topic_prefix;
  options.read_only = true;
  StatusOr<KafkaConfig> extra = ParseKafkaConfig(o.kafka_config);
  if (!extra.ok()) return extra.status();
  options.extra = std::move(*extra);
  StatusOr<LogPositions> unsigned_before = ParsePositions(o.unsigned_before);
  if (!unsigned_before.ok()) {
    return Status::InvalidArgument("--accept-unsigned-before: " +
                                   unsigned_before.status().message());
  }
  options.unsigned_before = std::move(*unsigned_before);
  StatusOr<std::shared_ptr<const EventAuthenticator>> auth = EventKey(o.event_key_file, "");
  if (!auth.ok()) return auth.status();
  StatusOr<std::unique_ptr<KafkaEventLog>> log = KafkaEventLog::Open(options);
  if (!log.ok()) return log.status();
  return std::unique_ptr<AuditSource>(
      new LogSource(std::move(*log), /*ordered=*/false, o.use_index, std::move(*auth)));
}

}  // namespace

StatusOr<std::unique_ptr<AuditSource>> OpenAuditSource(const SourceOptions& options) {
  bool embedded = !options.data_dir.empty();
  bool kafka = !options.kafka_brokers.empty();
  if (embedded == kafka) {
    return Status::InvalidArgument(
        embedded ? "give one source, --data-dir or --kafka-brokers, not both"
                 : "no source: give --data-dir DIR (the embedded log) or --kafka-brokers LIST");
  }
  if (embedded && (!options.kafka_config.empty() || options.topic_prefix != kDefaultTopicPrefix)) {
    return Status::InvalidArgument("--kafka-config and --topic-prefix need --kafka-brokers");
  }
  return embedded ? OpenEmbedded(options) : OpenKafka(options);
}

}  // namespace wit
