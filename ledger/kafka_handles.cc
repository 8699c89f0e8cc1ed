#include "ledger/kafka_handles.h"

#include <chrono>
#include <mutex>
#include <utility>

#include "base/logging.h"

namespace wit {
namespace {

std::mutex auth_error_mu;
std::string* auth_error = new std::string;  // never freed: clients may report until exit

// OnError records authentication failures and logs every error, as librdkafka does itself
// when no error callback is set; the same error a client repeats is logged once a second.
void OnError(rd_kafka_t* rk, int err, const char* reason, void*) {
  if (err == RD_KAFKA_RESP_ERR__AUTHENTICATION) {
    std::lock_guard<std::mutex> lock(auth_error_mu);
    *auth_error = reason;
  }
  static std::mutex log_mu;
  static auto* last = new std::pair<std::string, std::chrono::steady_clock::time_point>();
  std::string line = std::string("kafka: ") + rd_kafka_name(rk) + ": " + reason;
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(log_mu);
    if (last->first == line && now - last->second < std::chrono::seconds(1)) return;
    *last = {line, now};
  }
  LogWarn(line);
}

}  // namespace

std::string LastKafkaAuthError() {
  std::lock_guard<std::mutex> lock(auth_error_mu);
  return *auth_error;
}

void ClearKafkaAuthError() {
  std::lock_guard<std::mutex> lock(auth_error_mu);
  auth_error->clear();
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
  (void)conf.release();  // rd_kafka_new took it over
  return RdKafkaPtr(rk);
}

}  // namespace wit
