#ifndef WIT_LEDGER_KAFKA_ADMIN_H_
#define WIT_LEDGER_KAFKA_ADMIN_H_

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "ledger/kafka_handles.h"

namespace wit {

// TopicSpec is a topic as the event log needs it: its partitions, replicas and the settings
// that keep events (KafkaTopicSpecs).
struct TopicSpec {
  std::string name;
  int partitions = 3;
  int replication_factor = 1;
  std::map<std::string, std::string> config;
};

// KafkaTopicSpecs returns the three topics of `prefix`: unclean.leader.election.enable=false,
// and min.insync.replicas=2 when replication_factor >= 3, on all; cleanup.policy=delete with
// retention.ms=-1 and retention.bytes=-1 on the lifecycle topic (every node rebuilds from it,
// so nothing may ever be deleted) and on the usage topic unless `usage_retention_ms` is given
// (the audit trail of uses; keep it elsewhere before shortening it); cleanup.policy=compact on
// <prefix>tokens.lastused (each token's latest uses).
std::vector<TopicSpec> KafkaTopicSpecs(const std::string& prefix, int partitions,
                                       int replication_factor,
                                       std::optional<int64_t> usage_retention_ms = std::nullopt);

// KafkaAdmin runs the cluster administration the ledger needs through librdkafka's Admin API.
// Not thread-safe.
class KafkaAdmin {
 public:
  // Open makes a client of `brokers` with `extra` settings (TLS, SASL). Unavailable if the
  // brokers cannot be reached within `timeout`.
  static StatusOr<KafkaAdmin> Open(const std::string& brokers, const KafkaConfig& extra,
                                   std::chrono::milliseconds timeout);

  // CreateTopics creates each topic of `specs`. A topic that exists already is compared with
  // its spec instead: *report gets one line per topic ("created ...", "exists with the
  // required settings"), and the call is FailedPrecondition naming every setting that differs.
  Status CreateTopics(const std::vector<TopicSpec>& specs, std::vector<std::string>* report);

  // HasController reports whether the cluster names one of its brokers as controller, waiting
  // up to `wait`. Every Apache Kafka cluster does; librdkafka's mock cluster does not (it names
  // no broker of its own), and cannot describe configs.
  bool HasController(std::chrono::milliseconds wait);

  // BrokerCount returns how many brokers the cluster's metadata lists.
  StatusOr<int> BrokerCount();

  // DescribeTopic returns the topic's effective configuration (name → value), and its partition
  // count in *partitions if not null.
  StatusOr<std::map<std::string, std::string>> DescribeTopic(const std::string& topic,
                                                             int* partitions = nullptr);

 private:
  // TopicOutcome reports what CreateTopics did with `spec`, given the broker's answer `error`
  // (`why` its text): created (once a broker can describe it), existing with the settings,
  // existing otherwise (added to `*differences`), or a failure.
  Status TopicOutcome(const TopicSpec& spec, rd_kafka_resp_err_t error, const char* why,
                      std::vector<std::string>* report, std::string* differences);

  // DescribeOnce asks once; *unknown tells whether the broker did not know the topic (yet).
  StatusOr<std::map<std::string, std::string>> DescribeOnce(const std::string& topic,
                                                            bool* unknown);

  KafkaAdmin(RdKafkaPtr rk, std::chrono::milliseconds timeout)
      : rk_(std::move(rk)), timeout_(timeout) {}

  RdKafkaPtr rk_;
  std::chrono::milliseconds timeout_;
};

// CheckLifecycleTopicKeepsEvents returns OK when `config` (a lifecycle topic's, as
// DescribeTopic returns it) can never lose an event, else FailedPrecondition naming the topic,
// the setting and the fix: finite retention.ms or retention.bytes, compaction, or
// unclean.leader.election.enable=true.
Status CheckLifecycleTopicKeepsEvents(const std::string& topic,
                                      const std::map<std::string, std::string>& config);

}  // namespace wit

#endif  // WIT_LEDGER_KAFKA_ADMIN_H_
