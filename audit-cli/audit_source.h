#ifndef WIT_AUDIT_CLI_AUDIT_SOURCE_H_
#define WIT_AUDIT_CLI_AUDIT_SOURCE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "audit-cli/event_filter.h"
#include "base/status.h"
#include "projector/record_gate.h"

namespace wit {

// SourceOptions says where wit-audit reads the ledger: exactly one of data_dir (witd's data
// dir; the log is its log/ subdirectory) and kafka_brokers.
struct SourceOptions {
  std::string data_dir;
  std::string kafka_brokers;
  std::string topic_prefix = kDefaultTopicPrefix;
  std::vector<std::string> kafka_config;  // KEY=VALUE, as witd's --kafka-config
  bool use_index = true;  // false: scan the whole log even where its index could answer
  // The event key that authenticates lifecycle events (empty: <data_dir>/event.key when it
  // exists). Without one, wit-audit cannot tell witd's lifecycle events from forged ones, and
  // says so.
  std::string event_key_file;
  std::string unsigned_before;  // Kafka: as witd's --accept-unsigned-before
};

// AuditSource reads the ledger's records for wit-audit without ever writing to it. It keeps a
// position: Scan and Poll deliver each record once, Rewind starts over. Not thread-safe.
class AuditSource {
 public:
  // RecordFn receives one record as stored; returning false stops the scan.
  using RecordFn =
      std::function<bool(const std::string& stream, uint64_t offset, std::string_view payload)>;

  virtual ~AuditSource() = default;

  // Ordered is true when the log is one stream in the order witd wrote it (the embedded log),
  // false when it is several streams whose records interleave (Kafka's partitions).
  virtual bool Ordered() const = 0;

  // Remaining estimates how many records Scan will deliver, for a progress display.
  virtual StatusOr<uint64_t> Remaining() = 0;

  // Scan delivers every record from the position up to the log's end as of the call. After
  // Narrow(filter) it may deliver only a subset that still holds every record `filter` can
  // select (the embedded log looks its token, hash, prefix or user up in the log's index).
  virtual Status Scan(const RecordFn& fn) = 0;

  // Narrow tells the next Scan which records the caller needs: a hint, never a filter.
  virtual void Narrow(const EventFilter& filter) { (void)filter; }

  // Poll waits up to `wait` for records after the position and delivers those that came.
  virtual Status Poll(std::chrono::milliseconds wait, const RecordFn& fn) = 0;

  // Rewind moves the position back to the start of the log.
  virtual void Rewind() = 0;

  // Gate admits records as witd's projector does (record_gate.h), so that what wit-audit
  // shows and folds is what the ledger applied.
  virtual const RecordGate& Gate() const = 0;

  // CurrentMac returns the MAC header of the record a RecordFn is being called with ("" if it
  // has none). Valid only during that call.
  virtual StatusOr<std::string> CurrentMac() = 0;
};

// OpenAuditSource opens the source `options` names. InvalidArgument when none or both are
// given; NotFound when the data dir does not exist or holds no ledger; Unavailable or
// FailedPrecondition (with the reason) when Kafka cannot be read.
StatusOr<std::unique_ptr<AuditSource>> OpenAuditSource(const SourceOptions& options);

}  // namespace wit

#endif  // WIT_AUDIT_CLI_AUDIT_SOURCE_H_
