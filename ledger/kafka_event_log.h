#ifndef WIT_LEDGER_KAFKA_EVENT_LOG_H_
#define WIT_LEDGER_KAFKA_EVENT_LOG_H_

#include <memory>
#include <string>
#include <vector>

#include "ledger/event_log.h"
#include "ledger/kafka_options.h"
#include "ledger/kafka_producer.h"
#include "ledger/kafka_topics.h"

namespace wit {

// KafkaEventLog keeps the ledger on Apache Kafka: token.created and token.revoked go to
// <prefix>tokens.lifecycle, token.used to <prefix>tokens.usage (so a backlog of uses never
// delays a revocation), each keyed by tokenId. The producer is idempotent (acks=all, ordered,
// no duplicates from its own retries) and an append returns only on its delivery report.
// Readers assign() every partition of the lifecycle topic and of the usage topic, or of
// <prefix>tokens.lastused instead with read_lastused (no consumer group), from given
// positions; each partition is one stream named "<topic>/<partition>". Thread-safe.
//
// It joins three pieces, each with one job: KafkaProducer writes, OpenKafkaReader reads, and
// KafkaTopics asks the brokers for partitions, watermarks and offsets by time.
class KafkaEventLog : public EventLog {
 public:
  // Open connects and checks that both topics exist. Unavailable if the brokers cannot be
  // reached; FailedPrecondition naming the topic if one is missing.
  static StatusOr<std::unique_ptr<KafkaEventLog>> Open(const KafkaEventLogOptions& options);

  // Flushes what is in flight (bounded), then closes the producer.
  ~KafkaEventLog() override = default;
  KafkaEventLog(const KafkaEventLog&) = delete;
  KafkaEventLog& operator=(const KafkaEventLog&) = delete;

  StatusOr<LogPosition> Append(const Event& event) override;
  Status AppendBatch(const std::vector<Event>& events, std::vector<bool>* durable) override;
  StatusOr<std::unique_ptr<LogReader>> OpenReader(const LogPositions& start) override;
  StatusOr<LogPositions> EndPositions() override;
  StreamRole RoleOf(const std::string& stream) const override;
  LogPositions UnsignedBefore() const override { return options_.unsigned_before; }

  // The oldest offsets Kafka still keeps (the low watermarks).
  StatusOr<LogPositions> StartPositions() override;

  // From the brokers' time index (rd_kafka_offsets_for_times) by each record's Kafka
  // timestamp. A stream for which the brokers name none is absent: read it from its start.
  StatusOr<LogPositions> PositionsForTime(TimeMs t) override;

  // AppendPayload produces raw bytes to `topic` with `key`, and a kEventMacHeader header when
  // `mac` is not empty: the seam tests use to put records a service could publish (including
  // malformed and forged ones) on the log.
  StatusOr<LogPosition> AppendPayload(const std::string& topic, const std::string& key,
                                      const std::string& payload, const std::string& mac = "");

  // AppendRecords produces `records` as they are and returns once all were delivered: how the
  // usage coalescer writes the lastused topic. Unavailable when any was not.
  Status AppendRecords(const std::vector<KafkaRecord>& records);

  // LastUsedPartition returns the partition of the lastused topic that holds `token_id`'s
  // records: the murmur2 hash of the id, as Kafka's Java clients place a key. Every record of a
  // token lands there, in order, whatever the rest of its key. REQUIRES: read_lastused.
  int32_t LastUsedPartition(const std::string& token_id) const;

  const std::string& lifecycle_topic() const { return lifecycle_topic_; }
  // How many partitions the lifecycle topic had when the log was opened. A token's lifecycle
  // events go to LifecyclePartition(tokenId, lifecycle_partitions()).
  int lifecycle_partitions() const { return topics_->Partitions().at(lifecycle_topic_); }
  const std::string& lastused_topic() const { return lastused_topic_; }

  // How often a producer that failed for good (a fatal idempotence error) was replaced.
  uint64_t producer_restarts() const { return producer_ ? producer_->restarts() : 0; }

  const std::string& usage_topic() const { return usage_topic_; }

  // Test seam: KafkaProducer::TriggerFatalErrorForTesting. REQUIRES: not read-only.
  void TriggerFatalErrorForTesting() { producer_->TriggerFatalErrorForTesting(); }

 private:
  KafkaEventLog(KafkaEventLogOptions options, std::unique_ptr<KafkaTopics> topics,
                std::unique_ptr<KafkaProducer> producer);

  KafkaRecord ToRecord(const Event& event) const;
  // Produce sends `records` through the producer: FailedPrecondition on a read-only log.
  StatusOr<std::vector<LogPosition>> Produce(const std::vector<KafkaRecord>& records,
                                             std::vector<bool>* delivered = nullptr);

  KafkaEventLogOptions options_;
  std::string lifecycle_topic_;
  std::string usage_topic_;
  std::string lastused_topic_;
  std::unique_ptr<KafkaTopics> topics_;
  std::unique_ptr<KafkaProducer> producer_;  // null when read-only
};

}  // namespace wit

#endif  // WIT_LEDGER_KAFKA_EVENT_LOG_H_
