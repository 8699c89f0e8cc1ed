#include "ledger/embedded_event_log.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <thread>

#include "base/random.h"
#include "ledger/event_codec.h"

namespace wit {
namespace {

namespace fs = std::filesystem;

class EmbeddedEventLogTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fs::temp_directory_path() / ("wit-log-test-" + NewUuid()); }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<EmbeddedEventLog> OpenLog() {
    auto log = EmbeddedEventLog::Open(dir_.string());
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return std::move(*log);
  }

  fs::path dir_;
};

std::vector<LogRecord> ReadAll(EventLog& log) {
  auto reader = log.OpenReader({});
  std::vector<LogRecord> out;
  while (true) {
    size_t before = out.size();
    EXPECT_TRUE((*reader)->Read(100, std::chrono::milliseconds(0), &out).ok());
    if (out.size() == before) return out;
  }
}

TEST_F(EmbeddedEventLogTest, AppendsAreReadBackInOrder) {
  auto log = OpenLog();
  for (int i = 0; i < 250; ++i) {
    auto off = log->AppendPayload("p" + std::to_string(i));
    ASSERT_TRUE(off.ok());
    EXPECT_EQ(*off, static_cast<uint64_t>(i));
  }
  auto records = ReadAll(*log);
  ASSERT_EQ(records.size(), 250u);
  for (int i = 0; i < 250; ++i) {
    EXPECT_EQ(records[i].offset, static_cast<uint64_t>(i));
    EXPECT_EQ(records[i].payload, "p" + std::to_string(i));
  }
  EXPECT_EQ(log->EndPositions()->at(EmbeddedEventLog::kStream), 250u);
}

TEST_F(EmbeddedEventLogTest, SurvivesReopen) {
  {
    auto log = OpenLog();
    ASSERT_TRUE(log->AppendPayload("a").ok());
    ASSERT_TRUE(log->AppendPayload("b").ok());
  }
  auto log = OpenLog();
  auto off = log->AppendPayload("c");
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(*off, 2u);
  EXPECT_EQ(ReadAll(*log).size(), 3u);
}

TEST_F(EmbeddedEventLogTest, SecondWriterIsRefused) {
  auto log = OpenLog();
  auto second = EmbeddedEventLog::Open(dir_.string());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kUnavailable);
}

TEST_F(EmbeddedEventLogTest, ConcurrentAppendsGetDistinctOffsets) {
  auto log = OpenLog();
  constexpr int kThreads = 8, kEach = 200;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<uint64_t> offsets;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto off = log->AppendPayload(std::to_string(t) + ":" + std::to_string(i));
        ASSERT_TRUE(off.ok());
        std::lock_guard<std::mutex> lock(mu);
        offsets.insert(*off);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(offsets.size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(*offsets.rbegin(), static_cast<uint64_t>(kThreads * kEach - 1));
  auto records = ReadAll(*log);
  ASSERT_EQ(records.size(), static_cast<size_t>(kThreads * kEach));
  for (size_t i = 0; i < records.size(); ++i) EXPECT_EQ(records[i].offset, i);
}

TEST_F(EmbeddedEventLogTest, ReaderWaitsForNewRecords) {
  auto log = OpenLog();
  auto reader = log->OpenReader({});
  ASSERT_TRUE(reader.ok());
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(log->AppendPayload("late").ok());
  });
  std::vector<LogRecord> out;
  ASSERT_TRUE((*reader)->Read(10, std::chrono::seconds(10), &out).ok());
  writer.join();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].payload, "late");
}

TEST_F(EmbeddedEventLogTest, ReaderStartsAtGivenPosition) {
  auto log = OpenLog();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(log->AppendPayload(std::to_string(i)).ok());
  auto reader = log->OpenReader({{EmbeddedEventLog::kStream, 3}});
  std::vector<LogRecord> out;
  ASSERT_TRUE((*reader)->Read(10, std::chrono::milliseconds(0), &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].payload, "3");
}

}  // namespace
}  // namespace wit
