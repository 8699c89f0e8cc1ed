#include "ledger/kafka_options.h"

namespace wit {

KafkaConfig KafkaClientConfig(const KafkaEventLogOptions& o) {
  // Reconnect quickly after an outage (librdkafka's default backs off up to 10 s); writes wait
  // on it, and a revocation must reach every node soon after the brokers return.
  KafkaConfig c = {{"bootstrap.servers", o.brokers},
                   {"client.id", o.read_only ? "wit-audit" : "witd"},
                   {"reconnect.backoff.ms", "50"},
                   {"reconnect.backoff.max.ms", "1000"}};
  c.insert(c.end(), o.extra.begin(), o.extra.end());
  return c;
}

KafkaConfig KafkaConsumerConfig(const KafkaEventLogOptions& options, const std::string& group,
                                int fetch_wait_ms, const KafkaConfig& more) {
  KafkaConfig c = {{"group.id", group},
                   {"enable.auto.commit", "false"},
                   {"enable.auto.offset.store", "false"},
                   {"auto.offset.reset", "earliest"},
                   {"fetch.wait.max.ms", std::to_string(fetch_wait_ms)},
                   {"socket.timeout.ms", "5000"},
                   {"fetch.error.backoff.ms", "50"}};
  c.insert(c.end(), more.begin(), more.end());
  KafkaConfig client = KafkaClientConfig(options);  // ends with --kafka-config: it wins
  c.insert(c.end(), client.begin(), client.end());
  return c;
}

int32_t LifecyclePartition(const std::string& token_id, int32_t partitions) {
  // librdkafka's consistent partitioner (CRC32 of the key), which is also its default
  // (consistent_random) for a record with a key: records written before witd named the
  // partition itself lie where this puts them.
  return rd_kafka_msg_partitioner_consistent(nullptr, token_id.data(), token_id.size(), partitions,
                                             nullptr, nullptr);
}

std::string KafkaStream(const std::string& topic, int32_t partition) {
  return topic + "/" + std::to_string(partition);
}

}  // namespace wit
