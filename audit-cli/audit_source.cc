#include "audit-cli/audit_source.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>
#include <thread>

#include "base/secret_file.h"
#include "ledger/embedded_event_log.h"
#include "ledger/embedded_log_follower.h"
#include "ledger/event_codec.h"
#include "ledger/kafka_event_log.h"
#include "ledger/log_index.h"

namespace wit {
namespace {

// Kafka may deliver nothing for a while (a rebalance of leaders, a slow fetch); a scan that
// sees no record for this long before reaching the end it was promised gives up.
constexpr auto kKafkaStallLimit = std::chrono::seconds(30);

class EmbeddedSource : public AuditSource {
 public:
  EmbeddedSource(std::unique_ptr<EmbeddedLogFollower> log, bool use_index,
                 std::unique_ptr<RecordGate> gate)
      : log_(std::move(log)), use_index_(use_index), gate_(std::move(gate)) {}

  const RecordGate& Gate() const override { return *gate_; }
  StatusOr<std::string> CurrentMac() override { return log_->Mac(current_); }

  bool Ordered() const override { return true; }

  StatusOr<uint64_t> Remaining() override {
    StatusOr<uint64_t> end = log_->EndOffset();
    if (!end.ok()) return end.status();
    return *end > next_ ? *end - next_ : 0;
  }

  Status Scan(const RecordFn& fn) override {
    StatusOr<uint64_t> end = log_->EndOffset();
    if (!end.ok()) return end.status();
    std::optional<EventFilter> narrow = std::move(narrow_);
    narrow_.reset();
    StatusOr<uint64_t> indexed_end = log_->IndexedEnd();
    if (!indexed_end.ok()) return indexed_end.status();
    std::optional<std::vector<uint64_t>> candidates;
    if (narrow && *indexed_end > next_) {
      StatusOr<std::optional<std::vector<uint64_t>>> found = Candidates(*narrow);
      if (!found.ok()) return found.status();
      candidates = std::move(*found);
    }
    if (!candidates) return ScanTo(*end, fn);
    // The index finds the records below indexed_end; the rest are scanned.
    uint64_t covered = std::min(*indexed_end, *end);
    std::vector<uint64_t> offsets;
    for (uint64_t o : *candidates) {
      if (o >= next_ && o < covered) offsets.push_back(o);
    }
    std::sort(offsets.begin(), offsets.end());
    offsets.erase(std::unique(offsets.begin(), offsets.end()), offsets.end());
    bool stopped = false;
    Status s = log_->Fetch(offsets, [&](uint64_t offset, std::string_view payload) {
      current_ = offset;
      stopped = !fn(EmbeddedEventLog::kStream, offset, payload);
      return !stopped;
    });
    if (!s.ok() || stopped) return s;
    next_ = std::max(next_, covered);
    return ScanTo(*end, fn);
  }

  void Narrow(const EventFilter& filter) override {
    if (use_index_) narrow_ = filter;
  }

  Status Poll(std::chrono::milliseconds wait, const RecordFn& fn) override {
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (true) {
      if (Status s = log_->CatchUp(); !s.ok()) return s;
      StatusOr<uint64_t> end = log_->EndOffset();
      if (!end.ok()) return end.status();
      if (*end > next_) return ScanTo(*end, fn);
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return Status::OK();
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          deadline - now, std::chrono::milliseconds(100)));
    }
  }

  void Rewind() override { next_ = 0; }

 private:
  Status ScanTo(uint64_t end, const RecordFn& fn) {
    static const std::string kStream = EmbeddedEventLog::kStream;
    uint64_t next = next_;
    Status s = log_->Scan(next_, end, [&](uint64_t offset, std::string_view payload) {
      next = offset + 1;
      current_ = offset;
      return fn(kStream, offset, payload);
    });
    next_ = next;
    return s;
  }

  // Candidates looks up the offsets of every record `f` could select by its most selective
  // indexed criterion: token ids, else hash or prefix (through the token's creation), else
  // user. nullopt when it has none of them.
  StatusOr<std::optional<std::vector<uint64_t>>> Candidates(const EventFilter& f) {
    std::vector<uint64_t> offsets;
    std::vector<std::string> token_ids = f.token_ids;
    if (token_ids.empty() && (f.token_hash || f.prefix)) {
      std::vector<uint64_t> created;
      Status s = f.token_hash
                     ? log_->Lookup(IndexTerm(IndexTermKind::kHash, *f.token_hash), &created)
                     : log_->Lookup(IndexTerm(IndexTermKind::kPrefix, *f.prefix), &created);
      if (!s.ok()) return s;
      s = log_->Fetch(created, [&](uint64_t, std::string_view payload) {
        if (StatusOr<Event> e = DecodeEvent(payload); e.ok()) token_ids.push_back(e->token_id);
        return true;
      });
      if (!s.ok()) return s;
      offsets = created;
    }
    if (!token_ids.empty()) {
      for (const std::string& id : token_ids) {
        if (Status s = log_->Lookup(IndexTerm(IndexTermKind::kToken, id), &offsets); !s.ok())
          return s;
      }
      return std::optional<std::vector<uint64_t>>(std::move(offsets));
    }
    if (f.token_hash || f.prefix) return std::optional<std::vector<uint64_t>>(std::move(offsets));
    if (f.user) {
      if (Status s = log_->Lookup(IndexTerm(IndexTermKind::kUser, *f.user), &offsets); !s.ok())
        return s;
      return std::optional<std::vector<uint64_t>>(std::move(offsets));
    }
    return std::optional<std::vector<uint64_t>>();
  }

  std::unique_ptr<EmbeddedLogFollower> log_;
  bool use_index_;
  std::unique_ptr<RecordGate> gate_;
  std::optional<EventFilter> narrow_;
  uint64_t next_ = 0;
  uint64_t current_ = 0;  // the record being delivered
};

class KafkaSource : public AuditSource {
 public:
  // A null `auth` checks no MAC (RecordGate::WithoutMacs).
  KafkaSource(std::unique_ptr<KafkaEventLog> log, std::shared_ptr<const EventAuthenticator> auth)
      : log_(std::move(log)), gate_(MakeGate(log_.get(), std::move(auth))) {}

  const RecordGate& Gate() const override { return gate_; }
  StatusOr<std::string> CurrentMac() override { return current_ ? current_->mac : std::string(); }

  bool Ordered() const override { return false; }

  // With --since, the scan starts at the offsets of that time (less kClockSlack, for a writer
  // whose clock runs behind), found in the brokers' time index: a day's events out of years'
  // are read without reading the years. A record's Kafka timestamp is its produce time, never
  // before the occurredAt witd gave it, so nothing that matches is skipped.
  void Narrow(const EventFilter& filter) override {
    if (!filter.since || reader_ || !next_.empty()) return;
    StatusOr<LogPositions> from =
        log_->OffsetsForTime(std::max<TimeMs>(0, *filter.since - kClockSlackMs));
    if (from.ok()) next_ = std::move(*from);  // else (the mock) scan from the start
  }

  StatusOr<uint64_t> Remaining() override {
    StatusOr<LogPositions> start = log_->StartPositions();
    if (!start.ok()) return start.status();
    StatusOr<LogPositions> end = log_->EndPositions();
    if (!end.ok()) return end.status();
    uint64_t n = 0;
    for (const auto& [stream, high] : *end) {
      uint64_t from = std::max((*start)[stream], next_.count(stream) ? next_[stream] : 0);
      if (high > from) n += high - from;
    }
    return n;
  }

  Status Scan(const RecordFn& fn) override {
    StatusOr<LogPositions> start = log_->StartPositions();
    if (!start.ok()) return start.status();
    StatusOr<LogPositions> end = log_->EndPositions();
    if (!end.ok()) return end.status();
    auto behind = [&] {
      for (const auto& [stream, high] : *end) {
        uint64_t at = std::max((*start)[stream], next_.count(stream) ? next_[stream] : 0);
        if (at < high) return true;
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
      } else if (now - last_record > kKafkaStallLimit) {
        return Status::Unavailable("Kafka delivered no record for 30 s before the end of the log");
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
  }

 private:
  Status ReadSome(std::chrono::milliseconds wait, const RecordFn& fn) {
    stopped_ = false;
    if (!reader_) {
      StatusOr<std::unique_ptr<LogReader>> reader = log_->OpenReader(next_);
      if (!reader.ok()) return reader.status();
      reader_ = std::move(*reader);
    }
    batch_.clear();
    if (Status s = reader_->Read(4096, wait, &batch_); !s.ok()) return s;
    for (const LogRecord& r : batch_) {
      next_[r.stream] = r.offset + 1;
      ++delivered_;
      current_ = &r;
      bool more = fn(r.stream, r.offset, r.payload);
      current_ = nullptr;
      if (!more) {
        // The rest of the batch was read but not delivered: read it again next time.
        reader_.reset();
        stopped_ = true;
        break;
      }
    }
    return Status::OK();
  }

  static constexpr TimeMs kClockSlackMs = TimeMs{5} * 60 * 1000;

  static RecordGate MakeGate(const KafkaEventLog* log,
                             std::shared_ptr<const EventAuthenticator> auth) {
    if (auth) return RecordGate(log, std::move(auth));
    return RecordGate::WithoutMacs([log](const std::string& s) { return log->RoleOf(s); },
                                   log->UnsignedBefore());
  }

  std::unique_ptr<KafkaEventLog> log_;
  RecordGate gate_;
  std::unique_ptr<LogReader> reader_;
  const LogRecord* current_ = nullptr;  // the record being delivered
  LogPositions next_;
  std::vector<LogRecord> batch_;
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
  StatusOr<std::unique_ptr<EmbeddedLogFollower>> log = EmbeddedLogFollower::Open(log_dir.string());
  if (!log.ok()) return log.status();
  StatusOr<std::shared_ptr<const EventAuthenticator>> auth = EventKey(o.event_key_file, data_dir);
  if (!auth.ok()) return auth.status();
  StatusOr<uint64_t> unsigned_before = (*log)->UnsignedBefore();
  if (!unsigned_before.ok()) return unsigned_before.status();
  RecordGate::RoleFn all = [](const std::string&) { return StreamRole::kAll; };
  LogPositions mark = {{EmbeddedEventLog::kStream, *unsigned_before}};
  auto gate = std::make_unique<RecordGate>(*auth ? RecordGate(all, mark, std::move(*auth))
                                                 : RecordGate::WithoutMacs(all, mark));
  return std::unique_ptr<AuditSource>(
      new EmbeddedSource(std::move(*log), o.use_index, std::move(gate)));
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
  return std::unique_ptr<AuditSource>(new KafkaSource(std::move(*log), std::move(*auth)));
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
