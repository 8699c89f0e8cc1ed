#ifndef WIT_TESTS_LOG_BACKEND_H_
#define WIT_TESTS_LOG_BACKEND_H_

#include <memory>
#include <string>
#include <vector>

#include "devkafka/mock_kafka_cluster.h"
#include "ledger/event_auth.h"
#include "ledger/event_log.h"

namespace wit::testing {

// LogBackend is the event log a test's witd runs on: "embedded" (under its data dir) or
// "kafka" (a mock Kafka cluster of its own, started in the test process, reached over TCP).
// Suites parameterised over both names run the same assertions on both logs.
class LogBackend {
 public:
  explicit LogBackend(const std::string& kind);
  ~LogBackend();
  LogBackend(const LogBackend&) = delete;
  LogBackend& operator=(const LogBackend&) = delete;

  bool is_kafka() const { return cluster_ != nullptr; }
  MockKafkaCluster* cluster() { return cluster_.get(); }
  std::string brokers() const { return cluster_ ? cluster_->Bootstraps() : ""; }

  // WitdArgs are the `witd serve` flags that select this log. On Kafka they include one
  // --event-key-file for every node, as a cluster's nodes share one event key.
  std::vector<std::string> WitdArgs() const;

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
  std::string key_dir_;  // Kafka: holds the nodes' shared event.key
};

// kLogKinds names the logs the parameterised suites run on.
inline const std::vector<std::string> kLogKinds = {"embedded", "kafka"};

}  // namespace wit::testing

#endif  // WIT_TESTS_LOG_BACKEND_H_
