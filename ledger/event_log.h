#ifndef WIT_LEDGER_EVENT_LOG_H_
#define WIT_LEDGER_EVENT_LOG_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time_util.h"
#include "ledger/event.h"

namespace wit {

// kDefaultTopicPrefix begins the Kafka topics' names: <prefix>tokens.lifecycle and
// <prefix>tokens.usage (witd, wit-audit and wit-devkafka's --topic-prefix).
inline constexpr char kDefaultTopicPrefix[] = "wit.";

// A log is one or more ordered streams of records: the embedded log has one ("log"); Kafka has
// one per topic partition ("wit.tokens.lifecycle/0"). Offsets grow by one per record in a stream.
struct LogPosition {
  std::string stream;
  uint64_t offset = 0;
};

// LogPositions maps each stream to the next offset to read in it (a stream that is absent is
// read from its start).
using LogPositions = std::map<std::string, uint64_t>;

// FormatPositions writes positions as "stream=offset,stream=offset" (in stream order), the
// form ParsePositions reads: how an operator records and passes them on the command line.
std::string FormatPositions(const LogPositions& positions);

// ParsePositions reads FormatPositions' form; "" is no positions. A stream named twice, an
// empty stream name or an offset that is not a decimal number is InvalidArgument.
StatusOr<LogPositions> ParsePositions(const std::string& text);

struct LogRecord {
  std::string stream;
  uint64_t offset = 0;
  std::string payload;  // the event as stored: one JSON object
  // The record's MAC header (event_auth.h) as stored, empty when it has none. Untrusted: the
  // projector checks it, nothing else relies on it.
  std::string mac;
};

// LogRecordView is a LogRecord whose bytes belong to whoever hands it out.
struct LogRecordView {
  std::string_view stream;
  uint64_t offset = 0;
  std::string_view payload;
  std::string_view mac;
};

// StreamRole says which events a stream may carry. The embedded log's one stream holds every
// type; on Kafka the lifecycle topic holds token.created and token.revoked, written by witd
// alone, and the usage topic token.used, which services may publish too.
enum class StreamRole { kAll, kLifecycle, kUsage };

// LogReader reads records in stream order from a starting position. Not thread-safe: one
// reader serves one consumer.
class LogReader {
 public:
  virtual ~LogReader() = default;

  // Read appends up to `max` of the next records to *out. When none are available it waits up
  // to `wait` for some, then returns OK with *out unchanged.
  virtual Status Read(size_t max, std::chrono::milliseconds wait, std::vector<LogRecord>* out) = 0;

  // ReadEach reads as Read does, but hands each record to `fn` in turn as a view into the
  // reader's own buffers, valid only during the call, and stops when `fn` returns false. A
  // reader of the whole history (wit-audit) uses it to spare a copy of every record. The
  // reader's position then lies past the records read, which may be more than `fn` took: a
  // caller that stopped opens a new reader.
  virtual Status ReadEach(size_t max, std::chrono::milliseconds wait,
                          const std::function<bool(const LogRecordView&)>& fn) {
    std::vector<LogRecord> records;
    Status s = Read(max, wait, &records);
    for (const LogRecord& r : records) {
      if (!fn(LogRecordView{r.stream, r.offset, r.payload, r.mac})) break;
    }
    return s;
  }

  // KnownEnd returns, per stream, the end of the log as this reader last learned it, without
  // asking a server or taking the log's locks, so it is cheap after every read and answers at
  // once even while Kafka is down. On Kafka these are the high watermarks of the last fetches
  // (a stream not fetched from yet is missing); on the embedded log, the durable end its last
  // read saw. Empty before the first read.
  virtual LogPositions KnownEnd() = 0;
};

// EventLog is the ledger's source of truth. Implementations: EmbeddedEventLog (RocksDB under the
// data dir) and, in production, Kafka. Thread-safe.
class EventLog {
 public:
  virtual ~EventLog() = default;

  // Append writes `event` and returns its position once it is durable: a returned append
  // survives a crash of the process. Unavailable if the log cannot be written now.
  virtual StatusOr<LogPosition> Append(const Event& event) = 0;

  // AppendBatch writes `events` together, durable on return, and returns OK only if all were
  // written. Cheaper than one Append per event: the embedded log writes them in one synced batch.
  // If `durable` is not null it is set to one flag per event saying whether that event is
  // durable, also when the call fails: a caller retries the rest and writes nothing twice.
  // (Kafka can deliver part of a batch: its partitions fail independently.)
  virtual Status AppendBatch(const std::vector<Event>& events, std::vector<bool>* durable) = 0;

  // OpenReader returns a reader starting at `start`. The log must outlive the reader.
  virtual StatusOr<std::unique_ptr<LogReader>> OpenReader(const LogPositions& start) = 0;

  // EndPositions returns, per stream, the offset the next appended record will get: a reader
  // that has read up to these has seen everything durable when the call was made.
  virtual StatusOr<LogPositions> EndPositions() = 0;

  // RoleOf returns the role of `stream`, one this log reads.
  virtual StreamRole RoleOf(const std::string& stream) const = 0;

  // UnsignedBefore returns, per stream, the offset below which lifecycle records were written
  // before witd signed them, and are accepted without a MAC; a stream that is absent has no
  // such records. The embedded log records its own on first open by a signing witd; on Kafka
  // the operator names it (`witd serve --accept-unsigned-before`).
  virtual LogPositions UnsignedBefore() const { return {}; }

  // RocksDbMemory returns the memory the log's local RocksDB holds in buffers it bounds itself
  // (see RocksDbMemoryBytes): for /metrics. 0 for a log kept elsewhere, like Kafka.
  virtual uint64_t RocksDbMemory() const { return 0; }

  // The operations below serve those who read the log's history rather than follow it
  // (wit-audit; a proof over the log). Each has a default for a log that cannot do it.

  // StartPositions returns, per stream, the offset of the oldest record the log still keeps;
  // a stream that is absent keeps every record from offset 0.
  virtual StatusOr<LogPositions> StartPositions() { return LogPositions{}; }

  // PositionsForTime returns, per stream, the offset of the first record appended at or after
  // `t` (by the log's own clock, never before the event's occurredAt). A stream that is absent
  // must be read from its start, as every stream of a log that keeps no time index is.
  virtual StatusOr<LogPositions> PositionsForTime(TimeMs t) {
    (void)t;
    return LogPositions{};
  }

  // IndexedEnd returns, per stream, the first offset the log's index (log_index.h) does not
  // cover: records below it are found by Lookup, those from it on only by reading. A stream
  // that is absent has no index.
  virtual StatusOr<LogPositions> IndexedEnd() { return LogPositions{}; }

  // Lookup appends to *positions, in log order, the positions of the records indexed under
  // `term` (an IndexTerm).
  virtual Status Lookup(const std::string& term, std::vector<LogPosition>* positions) {
    (void)term;
    (void)positions;
    return Status::OK();
  }

  // RecordFn receives one record; returning false stops the call that gives them.
  using RecordFn = std::function<bool(const LogRecord& record)>;

  // Fetch calls `fn` with the record (and its MAC) at each of `positions`, in the order given,
  // skipping any the log does not hold.
  virtual Status Fetch(const std::vector<LogPosition>& positions, const RecordFn& fn) {
    (void)fn;
    if (positions.empty()) return Status::OK();
    return Status::FailedPrecondition("this event log cannot fetch records by position");
  }
};

}  // namespace wit

#endif  // WIT_LEDGER_EVENT_LOG_H_
