#include "tests/log_backend.h"

#include <gtest/gtest.h>

#include "ledger/embedded_event_log.h"
#include "ledger/kafka_event_log.h"
#include "ledger/secret_file.h"
#include "tests/witd_process.h"

#include <filesystem>

namespace wit::testing {

LogBackend::LogBackend(const std::string& kind) {
  if (kind != "kafka") return;
  auto cluster = MockKafkaCluster::Start(1, 3, "wit.");
  EXPECT_TRUE(cluster.ok()) << cluster.status().ToString();
  if (cluster.ok()) cluster_ = std::move(*cluster);
  key_dir_ = MakeTempDir("event-key");
}

LogBackend::~LogBackend() {
  if (!key_dir_.empty()) std::filesystem::remove_all(key_dir_);
}

std::vector<std::string> LogBackend::WitdArgs() const {
  if (!cluster_) return {};
  return {"--kafka-brokers", cluster_->Bootstraps(), "--event-key-file", key_dir_ + "/event.key"};
}

std::shared_ptr<const EventAuthenticator> LogBackend::EventKey(const std::string& data_dir) const {
  std::string path = cluster_ ? key_dir_ + "/event.key" : data_dir + "/event.key";
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  StatusOr<std::string> key = LoadOrCreateSecret(path, "event key");
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return std::make_shared<const EventAuthenticator>(key.ok() ? *key : std::string(32, '?'));
}

StatusOr<std::unique_ptr<EventLog>> LogBackend::OpenLog(const std::string& data_dir) const {
  if (!cluster_) {
    auto log = EmbeddedEventLog::Open(data_dir + "/log", EventKey(data_dir));
    if (!log.ok()) return log.status();
    return std::unique_ptr<EventLog>(std::move(*log));
  }
  KafkaEventLogOptions options;
  options.brokers = cluster_->Bootstraps();
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
    detail += " " + stream + ": read " + std::to_string(seen[stream]) + " of " +
              std::to_string(offset);
  }
  EXPECT_TRUE(caught_up()) << "could not read the whole log:" << detail;
  for (auto& r : records) payloads.push_back(std::move(r.payload));
  return payloads;
}

}  // namespace wit::testing
