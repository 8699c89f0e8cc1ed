#include "ledger/kafka_handles.h"

#include <mutex>

namespace wit {
namespace {

std::mutex auth_error_mu;
std::string* auth_error = new std::string;  // never freed: clients may report until exit

void OnError(rd_kafka_t*, int err, const char* reason, void*) {
  if (err != RD_KAFKA_RESP_ERR__AUTHENTICATION) return;
  std::lock_guard<std::mutex> lock(auth_error_mu);
  *auth_error = reason;
}

}  // namespace

std::string LastKafkaAuthError() {
  std::lock_guard<std::mutex> lock(auth_error_mu);
  return *auth_error;
}

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
  rd_kafka_conf_set_error_cb(conf.get(), &OnError);
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
