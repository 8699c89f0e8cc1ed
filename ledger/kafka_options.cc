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

std::string KafkaStream(const std::string& topic, int32_t partition) {
  return topic + "/" + std::to_string(partition);
}

}  // namespace wit
