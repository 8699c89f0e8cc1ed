#include "ledger/kafka_handles.h"

namespace wit {

StatusOr<KafkaConfig> ParseKafkaConfig(const std::vector<std::string>& items) {
  KafkaConfig out;
  for (const std::string& kv : items) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::InvalidArgument("--kafka-config takes KEY=VALUE, got \"" + kv + "\"");
    }
    out.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return out;
}

StatusOr<RdKafkaConfPtr> MakeKafkaConf(const KafkaConfig& settings) {
  RdKafkaConfPtr conf(rd_kafka_conf_new());
  char err[512];
  for (const auto& [key, value] : settings) {
    if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), err, sizeof err) !=
        RD_KAFKA_CONF_OK) {
      return Status::InvalidArgument("Kafka setting " + key + "=" + value + ": " + err);
    }
  }
  return conf;
}

StatusOr<RdKafkaPtr> NewKafkaHandle(rd_kafka_type_t type, RdKafkaConfPtr conf) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), err, sizeof err);
  if (!rk) return Status::InvalidArgument(std::string("cannot create Kafka client: ") + err);
  conf.release();  // rd_kafka_new took it over
  return RdKafkaPtr(rk);
}

}  // namespace wit
