#ifndef WIT_LEDGER_KAFKA_TOPICS_H_
#define WIT_LEDGER_KAFKA_TOPICS_H_

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "base/status.h"
#include "base/time_util.h"
#include "ledger/event_log.h"
#include "ledger/kafka_handles.h"
#include "ledger/kafka_options.h"

namespace wit {

// KafkaTopics answers what the brokers know of the topics the ledger reads (lifecycle, and
// usage or lastused: KafkaEventLogOptions::read_lastused): their partitions, read once at Open, and
// on request each partition's watermarks and the offsets of a time. It holds a client of its own
// that reads metadata only (a consumer that joins no group), so it needs no write rights.
// Thread-safe.
class KafkaTopics {
 public:
  // Open connects and waits until the topics exist (with read_lastused, lastused as well as
  // the usage topic it writes) with a leader for every partition.
  // Unavailable if the brokers cannot be reached; FailedPrecondition naming the SASL user when
  // they refuse its credentials, or naming the topic if one is missing.
  static StatusOr<std::unique_ptr<KafkaTopics>> Open(const KafkaEventLogOptions& options);

  // Partitions maps each topic read to its partition count.
  const std::map<std::string, int>& Partitions() const { return partitions_; }

  // HighWatermarks returns, per stream, the offset the next record will get; LowWatermarks the
  // offset of the oldest record Kafka still keeps. Either may wait longer than append_timeout
  // while the brokers are down (librdkafka waits on the request itself).
  StatusOr<LogPositions> HighWatermarks() { return Watermarks(/*high_marks=*/true); }
  StatusOr<LogPositions> LowWatermarks() { return Watermarks(/*high_marks=*/false); }

  // OffsetsForTime returns, per stream, the offset of the first record whose Kafka timestamp
  // is at or after `t`, from the brokers' time index (rd_kafka_offsets_for_times). A stream for
  // which the brokers name none is absent.
  StatusOr<LogPositions> OffsetsForTime(TimeMs t);

 private:
  KafkaTopics(RdKafkaPtr client, std::map<std::string, int> partitions,
              std::chrono::milliseconds request_timeout)
      : client_(std::move(client)),
        partitions_(std::move(partitions)),
        request_timeout_(request_timeout) {}

  // How long Open waits for topics a broker does not list yet.
  static constexpr std::chrono::seconds kTopicWait{3};

  // AllTopics returns the cluster's metadata.
  static StatusOr<RdKafkaMetadataPtr> AllTopics(rd_kafka_t* rk, const KafkaEventLogOptions& o);
  // FindTopics returns the partition counts of every topic Open waits for.
  static StatusOr<std::map<std::string, int>> FindTopics(rd_kafka_t* rk,
                                                         const KafkaEventLogOptions& o);
  // Watermarks returns each partition's high (next offset) or low (oldest kept) watermark.
  StatusOr<LogPositions> Watermarks(bool high_marks);

  RdKafkaPtr client_;
  std::map<std::string, int> partitions_;  // topic → partition count
  std::chrono::milliseconds request_timeout_;
};

}  // namespace wit

#endif  // WIT_LEDGER_KAFKA_TOPICS_H_
