#ifndef WIT_TESTS_LOG_BACKEND_H_
#define WIT_TESTS_LOG_BACKEND_H_

#include <memory>
#include <string>
#include <vector>

#include "devkafka/mock_kafka_cluster.h"
#include "ledger/event_auth.h"
#include "ledger/event_log.h"

namespace wit::testing {

// LogBackend is the event log a test's witd runs on:
//  - "embedded" (or any other name but the two below): under its data dir;
//  - "kafka": a mock Kafka cluster of its own (librdkafka's), started in the test process and
//    reached over TCP: fast, and open to fault injection;
//  - "real_kafka": the Apache Kafka cluster of three brokers that ctest starts for the suites
//    (the fixture real_kafka, scripts/kafka-cluster.sh, its directory in WIT_REAL_KAFKA_DIR),
//    with topics of this backend's own prefix, made by `witd kafka create-topics` with
//    replication factor 3, so that tests running side by side never see each other's events.
// Suites parameterised over these names run the same assertions on every log.
class LogBackend {
 public:
  explicit LogBackend(const std::string& kind);
  ~LogBackend();
  LogBackend(const LogBackend&) = delete;
  LogBackend& operator=(const LogBackend&) = delete;

  bool is_kafka() const { return !brokers_.empty(); }
  bool is_real_kafka() const { return is_kafka() && !cluster_; }
  MockKafkaCluster* cluster() { return cluster_.get(); }
  const std::string& brokers() const { return brokers_; }
  const std::string& topic_prefix() const { return prefix_; }
  std::string lifecycle_topic() const { return prefix_ + "tokens.lifecycle"; }
  std::string usage_topic() const { return prefix_ + "tokens.usage"; }

  // WitdArgs are the `witd serve` flags that select this log. On Kafka they include one
  // --event-key-file for every node, as a cluster's nodes share one event key.
  std::vector<std::string> WitdArgs() const;

  // KafkaFlags are the flags that name this Kafka log to witd's other commands and wit-audit
  // ("--kafka-brokers B --topic-prefix P"); "" for the embedded log.
  std::string KafkaFlags() const;

  // AuditFlags are wit-audit's flags for this Kafka log: KafkaFlags and the event key, so that
  // it checks MACs as witd does ("" for the embedded log, whose data dir has the key).
  std::string AuditFlags() const;

  // EventKey returns the authenticator of the event key witd used with `data_dir` (on Kafka
  // the shared one; embedded, <data_dir>/event.key, created if witd has not run yet).
  std::shared_ptr<const EventAuthenticator> EventKey(const std::string& data_dir) const;

  // OpenLog opens the log witd used with `data_dir` (for the embedded log witd must be
  // stopped), signing what is appended with EventKey(data_dir).
  StatusOr<std::unique_ptr<EventLog>> OpenLog(const std::string& data_dir) const;

  // ReadAll returns every record payload in the log, stream by stream.
  std::vector<std::string> ReadAll(const std::string& data_dir) const;

 private:
  std::unique_ptr<MockKafkaCluster> cluster_;
  std::string brokers_;                       // empty: the embedded log
  std::string prefix_ = kDefaultTopicPrefix;  // the topics' prefix
  std::string key_dir_;                       // Kafka: holds the nodes' shared event.key
};

// kLogKinds names the logs the parameterised suites run on.
inline const std::vector<std::string> kLogKinds = {"embedded", "kafka", "real_kafka"};

// RealKafkaBrokers returns the bootstrap list of the suites' real cluster, or "" with a test
// failure naming the cause when it is not running.
std::string RealKafkaBrokers();

}  // namespace wit::testing

#endif  // WIT_TESTS_LOG_BACKEND_H_
