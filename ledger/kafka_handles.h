#ifndef WIT_LEDGER_KAFKA_HANDLES_H_
#define WIT_LEDGER_KAFKA_HANDLES_H_

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace wit {

// RAII owners for librdkafka's C handles.
struct RdKafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
  void operator()(const rd_kafka_metadata_t* md) const { rd_kafka_metadata_destroy(md); }
  void operator()(rd_kafka_topic_t* rkt) const { rd_kafka_topic_destroy(rkt); }
};
using RdKafkaPtr = std::unique_ptr<rd_kafka_t, RdKafkaDeleter>;
using RdKafkaConfPtr = std::unique_ptr<rd_kafka_conf_t, RdKafkaDeleter>;
using RdKafkaPartitionsPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, RdKafkaDeleter>;
using RdKafkaMessagePtr = std::unique_ptr<rd_kafka_message_t, RdKafkaDeleter>;
using RdKafkaMetadataPtr = std::unique_ptr<const rd_kafka_metadata_t, RdKafkaDeleter>;
using RdKafkaTopicPtr = std::unique_ptr<rd_kafka_topic_t, RdKafkaDeleter>;

using KafkaConfig = std::vector<std::pair<std::string, std::string>>;

// ParseKafkaConfig reads `--kafka-config KEY=VALUE` arguments, as witd and wit-audit take
// them; an item without a key or "=" is InvalidArgument naming it.
StatusOr<KafkaConfig> ParseKafkaConfig(const std::vector<std::string>& items);

// MakeKafkaConf builds a configuration from key/value pairs; an unknown key or bad value is
// InvalidArgument naming it. Every client made from it reports authentication failures to
// LastKafkaAuthError.
StatusOr<RdKafkaConfPtr> MakeKafkaConf(const KafkaConfig& settings);

// LastKafkaAuthError returns the reason of the last SASL/TLS authentication failure any client
// of this process met ("" if none), so that a start-up that cannot reach the brokers can say
// that the brokers refused its credentials. Thread-safe.
std::string LastKafkaAuthError();

// ClearKafkaAuthError forgets it, before a new client's first connection.
void ClearKafkaAuthError();

// NewKafkaHandle creates a producer or consumer from `conf` (which it takes over).
StatusOr<RdKafkaPtr> NewKafkaHandle(rd_kafka_type_t type, RdKafkaConfPtr conf);

}  // namespace wit

#endif  // WIT_LEDGER_KAFKA_HANDLES_H_
