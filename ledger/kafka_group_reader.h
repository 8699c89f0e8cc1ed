#ifndef WIT_LEDGER_KAFKA_GROUP_READER_H_
#define WIT_LEDGER_KAFKA_GROUP_READER_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "ledger/event_log.h"
#include "ledger/kafka_handles.h"
#include "ledger/kafka_options.h"

namespace wit {

// KafkaGroupReader reads one topic as a member of a Kafka consumer group: the brokers share the
// topic's partitions among the group's members, so each partition is read by one member at a
// time, and a member that leaves or stops answering (session.timeout.ms) has its partitions
// handed to the others. Positions are the group's committed offsets, moved only by Commit, so
// a partition's new owner goes on from the last commit (records after it are read again: at
// least once). A member about to lose partitions in a rebalance is told first (SetOnRevoke),
// inside Read, so that it can finish and commit what it read before another member takes over.
// Not thread-safe: one thread reads and commits.
//
//   auto reader = KafkaGroupReader::Open(options, options.usage_topic(), "witd-lastused-wit.");
//   (*reader)->Read(1000, 100ms, &records);
//   ... act on them ...
//   (*reader)->Commit(next);
class KafkaGroupReader {
 public:
  // Open joins `group` (which the principal must be allowed to read: witd-* under
  // kafka-cluster.sh --sasl) and subscribes to `topic`. A group that has committed nothing reads
  // each partition from its start.
  static StatusOr<std::unique_ptr<KafkaGroupReader>> Open(const KafkaEventLogOptions& options,
                                                          const std::string& topic,
                                                          const std::string& group);

  // Leaves the group, so that its partitions go to the other members at once. The revoke hook
  // is not called.
  ~KafkaGroupReader() {
    on_revoke_ = nullptr;
    if (consumer_) rd_kafka_consumer_close(consumer_.get());
  }
  KafkaGroupReader(const KafkaGroupReader&) = delete;
  KafkaGroupReader& operator=(const KafkaGroupReader&) = delete;

  // Read appends up to `max` of the next records of the partitions this member holds to *out,
  // waiting up to `wait` for the first one; OK with *out unchanged when there is none.
  Status Read(size_t max, std::chrono::milliseconds wait, std::vector<LogRecord>* out);

  // Commit stores `next` (stream → the offset after its last record handled) as the group's
  // offsets, and returns once the coordinator has them. Unavailable when it refused them, as
  // it does for partitions that went to another member in a rebalance.
  Status Commit(const LogPositions& next);

  // Assigned returns the streams of the partitions this member holds now.
  std::vector<std::string> Assigned();

  // Lag returns how many records of the partitions this member holds it has not read yet: the
  // end of each (as the last fetch saw it, so no broker is asked) less the position after the
  // last record Read returned; a partition not read from since it came counts from its start.
  uint64_t Lag();

  // SetOnRevoke makes Read call `fn` (on the reading thread) when a rebalance takes this
  // member's partitions, before they go: the last moment to write and Commit what was read.
  void SetOnRevoke(std::function<void()> fn) { on_revoke_ = std::move(fn); }

 private:
  explicit KafkaGroupReader(std::string topic) : topic_(std::move(topic)) {}

  // OnRebalance is librdkafka's rebalance callback: it assigns what the group gave, and calls
  // the revoke hook before giving partitions up (eager or cooperative protocol alike).
  static void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* partitions, void* opaque);

  static constexpr auto kErrorLogInterval = std::chrono::seconds(10);

  RdKafkaPtr consumer_;
  std::string topic_;
  std::function<void()> on_revoke_;
  std::chrono::steady_clock::time_point last_error_log_{};
};

}  // namespace wit

#endif  // WIT_LEDGER_KAFKA_GROUP_READER_H_
