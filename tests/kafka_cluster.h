#ifndef WIT_TESTS_KAFKA_CLUSTER_H_
#define WIT_TESTS_KAFKA_CLUSTER_H_

#include <map>
#include <memory>
#include <string>

#include "base/status.h"

namespace wit::testing {

// KafkaCluster is a real Apache Kafka cluster of a test's own, run by scripts/kafka-cluster.sh
// in a temp dir: for the tests that kill brokers or need SASL and ACLs, which must not share
// the suites' cluster. Stopped and removed when destroyed.
//
//   auto cluster = KafkaCluster::Start(3);
//   (*cluster)->Kill(2);
//   (*cluster)->Restart(2);
class KafkaCluster {
 public:
  // Start starts `brokers` nodes (with SASL/SCRAM and ACLs when `sasl`) and returns once all
  // are live; Internal with the script's output when it fails.
  static StatusOr<std::unique_ptr<KafkaCluster>> Start(int brokers, bool sasl = false);
  ~KafkaCluster();
  KafkaCluster(const KafkaCluster&) = delete;
  KafkaCluster& operator=(const KafkaCluster&) = delete;

  const std::string& bootstrap() const { return bootstrap_; }
  const std::string& dir() const { return dir_; }

  // User returns a principal's password from DIR/users.env ("witd", "svc-git", "audit",
  // "admin"); "" without --sasl.
  std::string Password(const std::string& user) const;

  // SaslConfig returns librdkafka settings for `user` as KEY=VALUE words, each prefixed by
  // `flag` ("--kafka-config " for witd, "-X " for kcat).
  std::string SaslConfig(const std::string& user, const std::string& flag) const;

  // Kill is kill -9 of broker `id` (its node.id, 1..N); Restart starts it again and waits until
  // it is live. Both return whether the script succeeded.
  bool Kill(int id);
  bool Restart(int id);

  // LeaderCounts returns how many partitions of `topics` (comma-separated names) each broker
  // leads, from kcat's view of the metadata.
  std::map<int, int> LeaderCounts(const std::string& topics) const;

 private:
  KafkaCluster() = default;

  std::string dir_;
  std::string bootstrap_;
  std::map<std::string, std::string> users_;  // name → password
};

// ScriptPath returns the path of scripts/kafka-cluster.sh.
std::string KafkaClusterScript();

}  // namespace wit::testing

#endif  // WIT_TESTS_KAFKA_CLUSTER_H_
