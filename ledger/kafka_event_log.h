#ifndef WIT_LEDGER_KAFKA_EVENT_LOG_H_
#define WIT_LEDGER_KAFKA_EVENT_LOG_H_

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ledger/event_auth.h"
#include "ledger/event_log.h"
#include "ledger/kafka_handles.h"

namespace wit {

struct KafkaEventLogOptions {
  std::string brokers;                             // bootstrap.servers
  std::string topic_prefix = kDefaultTopicPrefix;  // <prefix>tokens.lifecycle, <prefix>tokens.usage
  KafkaConfig extra;  // --kafka-config KEY=VALUE, applied to every client
  // How long an append may wait for its delivery report before it fails with Unavailable.
  std::chrono::milliseconds append_timeout{5000};
  // How long Open waits for the cluster's metadata.
  std::chrono::milliseconds connect_timeout{10000};
  // A read-only log (for wit-audit) makes no producer, so it needs no write or idempotent-write
  // rights on the cluster; its appends fail with FailedPrecondition.
  bool read_only = false;
  // Signs every token.created and token.revoked (a kEventMacHeader record header); null: none is
  // signed, and a projector checking MACs skips them.
  std::shared_ptr<const EventAuthenticator> signer;
  // Per lifecycle stream, the offset below which records from before signing are accepted
  // without a MAC (EventLog::UnsignedBefore): what the operator recorded, nothing more.
  LogPositions unsigned_before;
};

// KafkaEventLog keeps the ledger on Apache Kafka: token.created and token.revoked go to
// <prefix>tokens.lifecycle, token.used to <prefix>tokens.usage (so a backlog of uses never
// delays a revocation), each keyed by tokenId. The producer is idempotent (acks=all, ordered,
// no duplicates from its own retries) and an append returns only on its delivery report.
// Readers assign() every partition of both topics (no consumer group) from given positions;
// each partition is one stream named "<topic>/<partition>". Thread-safe.
class KafkaEventLog : public EventLog {
 public:
  // Open connects and checks that both topics exist. Unavailable if the brokers cannot be
  // reached; FailedPrecondition naming the topic if one is missing.
  static StatusOr<std::unique_ptr<KafkaEventLog>> Open(const KafkaEventLogOptions& options);

  // Flushes what is in flight (bounded), then closes the producer.
  ~KafkaEventLog() override;
  KafkaEventLog(const KafkaEventLog&) = delete;
  KafkaEventLog& operator=(const KafkaEventLog&) = delete;

  StatusOr<LogPosition> Append(const Event& event) override;
  Status AppendBatch(const std::vector<Event>& events, std::vector<bool>* durable) override;
  StatusOr<std::unique_ptr<LogReader>> OpenReader(const LogPositions& start) override;
  StatusOr<LogPositions> EndPositions() override;
  StreamRole RoleOf(const std::string& stream) const override;
  LogPositions UnsignedBefore() const override { return options_.unsigned_before; }

  // StartPositions returns, per stream, the offset of the oldest record Kafka still keeps.
  StatusOr<LogPositions> StartPositions();

  // OffsetsForTime returns, per stream, the offset of the first record whose Kafka timestamp
  // is at or after `t`, from the brokers' time index (rd_kafka_offsets_for_times). A stream
  // for which the brokers name none is absent: read it from its start.
  StatusOr<LogPositions> OffsetsForTime(TimeMs t);

  // AppendPayload produces raw bytes to `topic` with `key`, and a kEventMacHeader header when
  // `mac` is not empty: the seam tests use to put records a service could publish (including
  // malformed and forged ones) on the log.
  StatusOr<LogPosition> AppendPayload(const std::string& topic, const std::string& key,
                                      const std::string& payload, const std::string& mac = "");

  const std::string& lifecycle_topic() const { return lifecycle_topic_; }

  // How often a producer that failed for good (a fatal idempotence error) was replaced.
  uint64_t producer_restarts() const { return producer_restarts_; }

  // Test seam: makes the current producer fail as after a fatal idempotence error, which a
  // cluster (even librdkafka's mock) cannot be made to cause on demand.
  void TriggerFatalErrorForTesting();
  const std::string& usage_topic() const { return usage_topic_; }

 private:
  class Reader;
  struct Batch;
  struct Record {
    std::string topic;
    std::string key;
    std::string payload;
    std::string mac;  // empty: no MAC header
  };

  KafkaEventLog(KafkaEventLogOptions options, RdKafkaPtr producer,
                std::map<std::string, int> partitions);

  // Produce sends `records` and waits for all their delivery reports. `delivered`, if not
  // null, gets one flag per record: delivered or not (also when it fails).
  StatusOr<std::vector<LogPosition>> Produce(const std::vector<Record>& records,
                                             std::vector<bool>* delivered = nullptr);
  Record ToRecord(const Event& event) const;
  // How long Open waits for topics a broker does not list yet.
  static constexpr std::chrono::seconds kTopicWait{3};
  // AllTopics returns the cluster's metadata; FailedPrecondition naming the user when the
  // brokers refuse its credentials.
  static StatusOr<RdKafkaMetadataPtr> AllTopics(rd_kafka_t* rk, const KafkaEventLogOptions& o);
  // FindTopics returns both topics' partition counts.
  static StatusOr<std::map<std::string, int>> FindTopics(rd_kafka_t* rk,
                                                         const KafkaEventLogOptions& o);
  // NewClient makes the producer (or, read-only, the consumer used for metadata).
  static StatusOr<RdKafkaPtr> NewClient(const KafkaEventLogOptions& options);
  std::shared_ptr<rd_kafka_t> Producer() const;
  // ReplaceIfFatal swaps in a new producer if `producer` (the one a write used) is in a fatal
  // state; its remaining delivery reports are still served before it is destroyed.
  void ReplaceIfFatal(const std::shared_ptr<rd_kafka_t>& producer);
  // Watermarks returns each partition's high (next offset) or low (oldest kept) watermark.
  StatusOr<LogPositions> Watermarks(bool high_marks);
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);

  KafkaEventLogOptions options_;
  std::string lifecycle_topic_;
  std::string usage_topic_;
  mutable std::mutex producer_mu_;
  std::shared_ptr<rd_kafka_t> producer_;              // guarded by producer_mu_
  std::vector<std::shared_ptr<rd_kafka_t>> retired_;  // guarded by producer_mu_
  std::atomic<uint64_t> producer_restarts_{0};
  std::map<std::string, int> partitions_;  // topic → partition count, read at Open
  std::atomic<bool> stop_{false};
  std::thread poller_;  // serves delivery reports for as long as the producer lives
};

// KafkaStream names the stream of one partition: "<topic>/<partition>".
std::string KafkaStream(const std::string& topic, int32_t partition);

}  // namespace wit

#endif  // WIT_LEDGER_KAFKA_EVENT_LOG_H_
