#include "tests/log_backend.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/random.h"
#include "base/secret_file.h"
#include "ledger/embedded_event_log.h"
#include "ledger/kafka_event_log.h"
#include "tests/witd_process.h"

namespace wit::testing {

std::string RealKafkaBrokers() {
  const char* dir = std::getenv("WIT_REAL_KAFKA_DIR");
  if (!dir) {
    ADD_FAILURE() << "WIT_REAL_KAFKA_DIR is not set: run the test through ctest, which starts "
                     "the real Kafka cluster (fixture real_kafka)";
    return "";
  }
  std::ifstream in(std::string(dir) + "/bootstrap");
  std::string brokers;
  std::getline(in, brokers);
  EXPECT_FALSE(brokers.empty()) << "no Kafka cluster in " << dir
                                << ": scripts/kafka-cluster.sh start " << dir;
  return brokers;
}

LogBackend::LogBackend(const std::string& kind) {
  if (kind != "kafka" && kind != "real_kafka") return;  // the embedded log, in any variant
  key_dir_ = MakeTempDir("event-key");
  if (kind == "kafka") {
    auto cluster = MockKafkaCluster::Start(1, 3, prefix_);
    EXPECT_TRUE(cluster.ok()) << cluster.status().ToString();
    if (cluster.ok()) cluster_ = std::move(*cluster);
    if (cluster_) brokers_ = cluster_->Bootstraps();
    return;
  }
  brokers_ = RealKafkaBrokers();
  prefix_ = "t" + NewUuid().substr(0, 8) + ".";
  CommandResult r =
      RunCommand(BinDir() + "/witd kafka create-topics --kafka-brokers " + brokers_ +
                 " --topic-prefix " + prefix_ + " --partitions 3 --replication-factor 3");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // A broker that has not caught up with the new topics answers metadata without them, and a
  // client that hears that drops the topic for a while: wait until every broker lists both
  // topics with a leader for each partition.
  std::istringstream list(brokers_);
  for (std::string broker; std::getline(list, broker, ',');) {
    for (const std::string& topic : {lifecycle_topic(), usage_topic()}) {
      bool ready = false;
      for (int i = 0; i < 100 && !ready; ++i) {
        CommandResult md = RunCommand("kcat -L -m 2 -b " + broker + " -t " + topic);
        ready = md.exit_code == 0 && md.out.find("with 3 partitions") != std::string::npos &&
                md.out.find("leader -1") == std::string::npos &&
                md.out.find("Broker:") == std::string::npos;
        if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      EXPECT_TRUE(ready) << "broker " << broker << " does not list " << topic;
    }
  }
}

LogBackend::~LogBackend() {
  if (!key_dir_.empty()) std::filesystem::remove_all(key_dir_);
}

std::vector<std::string> LogBackend::WitdArgs() const {
  if (!is_kafka()) return {};
  return {"--kafka-brokers", brokers_,           "--topic-prefix",
          prefix_,           "--event-key-file", key_dir_ + "/event.key"};
}

std::string LogBackend::KafkaFlags() const {
  if (!is_kafka()) return "";
  return "--kafka-brokers " + brokers_ + " --topic-prefix " + prefix_;
}

std::string LogBackend::AuditFlags() const {
  if (!is_kafka()) return "";
  EventKey("");  // made here if no witd has made it yet
  return KafkaFlags() + " --event-key-file " + key_dir_ + "/event.key";
}

std::shared_ptr<const EventAuthenticator> LogBackend::EventKey(const std::string& data_dir) const {
  std::string path = is_kafka() ? key_dir_ + "/event.key" : data_dir + "/event.key";
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  StatusOr<std::string> key = LoadOrCreateSecret(path, "event key");
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return std::make_shared<const EventAuthenticator>(key.ok() ? *key : std::string(32, '?'));
}

StatusOr<std::unique_ptr<EventLog>> LogBackend::OpenLog(const std::string& data_dir) const {
  if (!is_kafka()) {
    auto log = EmbeddedEventLog::Open(data_dir + "/log", EventKey(data_dir));
    if (!log.ok()) return log.status();
    return std::unique_ptr<EventLog>(std::move(*log));
  }
  KafkaEventLogOptions options;
  options.brokers = brokers_;
  options.topic_prefix = prefix_;
  options.signer = EventKey(data_dir);
  auto log = KafkaEventLog::Open(options);
  if (!log.ok()) return log.status();
  return std::unique_ptr<EventLog>(std::move(*log));
}

std::vector<std::string> LogBackend::ReadAll(const std::string& data_dir) const {
  std::vector<std::string> payloads;
  auto log = OpenLog(data_dir);
  EXPECT_TRUE(log.ok()) << log.status().ToString();
  if (!log.ok()) return payloads;
  LogPositions end = *(*log)->EndPositions();
  auto reader = (*log)->OpenReader({});
  LogPositions seen;
  std::vector<LogRecord> records;
  auto caught_up = [&] {
    for (const auto& [stream, offset] : end) {
      if (offset > 0 && seen[stream] < offset) return false;
    }
    return true;
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!caught_up() && std::chrono::steady_clock::now() < deadline) {
    size_t before = records.size();
    EXPECT_TRUE((*reader)->Read(4096, std::chrono::milliseconds(50), &records).ok());
    for (size_t k = before; k < records.size(); ++k) {
      seen[records[k].stream] = records[k].offset + 1;
    }
  }
  std::string detail;
  for (const auto& [stream, offset] : end) {
    detail +=
        " " + stream + ": read " + std::to_string(seen[stream]) + " of " + std::to_string(offset);
  }
  EXPECT_TRUE(caught_up()) << "could not read the whole log:" << detail;
  for (auto& r : records) payloads.push_back(std::move(r.payload));
  return payloads;
}

}  // namespace wit::testing
