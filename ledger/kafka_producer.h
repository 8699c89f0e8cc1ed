#ifndef WIT_LEDGER_KAFKA_PRODUCER_H_
#define WIT_LEDGER_KAFKA_PRODUCER_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "ledger/event_log.h"
#include "ledger/kafka_handles.h"
#include "ledger/kafka_options.h"

namespace wit {

// KafkaRecord is one record to produce.
struct KafkaRecord {
  std::string topic;
  std::string key;
  std::string payload;
  std::string mac;  // empty: no kEventMacHeader header
  // The partition to write to; RD_KAFKA_PARTITION_UA lets the partitioner choose by key.
  int32_t partition = RD_KAFKA_PARTITION_UA;
};

// KafkaProducer writes records to Kafka and returns once their delivery reports came. The
// producer is idempotent (acks=all, ordered, no duplicates from its own retries); one that
// meets a fatal error is replaced, so that one write fails but the next ones work. A thread
// serves the delivery reports for as long as it lives. Thread-safe.
class KafkaProducer {
 public:
  static StatusOr<std::unique_ptr<KafkaProducer>> Open(const KafkaEventLogOptions& options);

  // Flushes what is in flight (bounded by append_timeout), then closes.
  ~KafkaProducer();
  KafkaProducer(const KafkaProducer&) = delete;
  KafkaProducer& operator=(const KafkaProducer&) = delete;

  // Produce sends `records` and waits for all their delivery reports, at most append_timeout
  // and a little. `delivered`, if not null, gets one flag per record: delivered or not (also
  // when it fails). Unavailable when any record was not delivered.
  StatusOr<std::vector<LogPosition>> Produce(const std::vector<KafkaRecord>& records,
                                             std::vector<bool>* delivered = nullptr);

  // How often a producer that failed for good (a fatal idempotence error) was replaced.
  uint64_t restarts() const { return restarts_; }

  // Test seam: makes the current producer fail as after a fatal idempotence error, which a
  // cluster (even librdkafka's mock) cannot be made to cause on demand.
  void TriggerFatalErrorForTesting();

 private:
  struct Batch;

  KafkaProducer(KafkaEventLogOptions options, RdKafkaPtr producer);

  // NewClient makes a librdkafka producer with the ledger's settings.
  static StatusOr<RdKafkaPtr> NewClient(const KafkaEventLogOptions& options);
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  std::shared_ptr<rd_kafka_t> Current() const;
  // ReplaceIfFatal swaps in a new producer if `producer` (the one a write used) is in a fatal
  // state; its remaining delivery reports are still served before it is destroyed.
  void ReplaceIfFatal(const std::shared_ptr<rd_kafka_t>& producer);
  // Poll is the thread's body: it serves the delivery reports of the current producer and of
  // the replaced ones until they owe none.
  void Poll();

  KafkaEventLogOptions options_;
  mutable std::mutex mu_;
  std::shared_ptr<rd_kafka_t> producer_;              // guarded by mu_
  std::vector<std::shared_ptr<rd_kafka_t>> retired_;  // guarded by mu_
  std::atomic<uint64_t> restarts_{0};
  std::atomic<bool> stop_{false};
  std::thread poller_;
};

}  // namespace wit

#endif  // WIT_LEDGER_KAFKA_PRODUCER_H_
