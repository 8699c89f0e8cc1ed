// UseRecorder's async retry, against a real embedded log behind a test seam that fails part of
// a batch, as Kafka does when one partition has no leader.
#include "api/use_recorder.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>

#include "api/metrics.h"
#include "base/random.h"
#include "ledger/embedded_event_log.h"
#include "ledger/event_codec.h"

namespace wit {
namespace {

namespace fs = std::filesystem;

// PartlyFailingLogForTest (the test seam) passes everything to a real log, but holds its
// first AppendBatch until Release, so that uses pile up in the recorder's queue, and then
// writes only the events at even indexes of the first `failing_batches` batches of two or
// more events, says so in `durable`, and fails them with Unavailable.
class PartlyFailingLogForTest : public EventLog {
 public:
  PartlyFailingLogForTest(EventLog* real, int failing_batches)
      : real_(real), failing_(failing_batches) {}

  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

  StatusOr<LogPosition> Append(const Event& e) override { return real_->Append(e); }
  Status AppendBatch(const std::vector<Event>& events, std::vector<bool>* durable) override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return released_; });
      if (failing_ == 0 || events.size() < 2) return real_->AppendBatch(events, durable);
      --failing_;
      ++partial_batches_;
    }
    std::vector<Event> half;
    for (size_t i = 0; i < events.size(); i += 2) half.push_back(events[i]);
    if (Status s = real_->AppendBatch(half, nullptr); !s.ok()) return s;
    durable->assign(events.size(), false);
    for (size_t i = 0; i < events.size(); i += 2) (*durable)[i] = true;
    return Status::Unavailable("one partition has no leader (test seam)");
  }
  StatusOr<std::unique_ptr<LogReader>> OpenReader(const LogPositions& start) override {
    return real_->OpenReader(start);
  }
  StatusOr<LogPositions> EndPositions() override { return real_->EndPositions(); }
  StreamRole RoleOf(const std::string& stream) const override { return real_->RoleOf(stream); }

  int partial_batches() {
    std::lock_guard<std::mutex> lock(mu_);
    return partial_batches_;
  }

 private:
  EventLog* real_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
  int failing_;
  int partial_batches_ = 0;
};

Event Use(int i) {
  Event e;
  e.type = EventType::kUsed;
  e.event_id = NewUuid();
  e.token_id = NewUuid();
  e.user_id = "alice";
  e.occurred_at = 1795817820000 + i;
  e.outcome = "allowed";
  return e;
}

// ReadWritten reads every record of `log` into *records, and counts them by event id.
void ReadWritten(EventLog* log, std::vector<LogRecord>* records,
                 std::map<std::string, int>* written) {
  auto reader = log->OpenReader({});
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->Read(1000, std::chrono::milliseconds(0), records).ok());
  for (const LogRecord& r : *records) {
    StatusOr<Event> e = DecodeEvent(r.payload);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    (*written)[e->event_id]++;
  }
}

TEST(UseRecorderTest, ABatchWrittenInPartIsRetriedWithoutWritingAnyUseTwice) {
  fs::path dir = fs::temp_directory_path() / ("wit-uses-" + NewUuid());
  auto real = EmbeddedEventLog::Open(dir.string());
  ASSERT_TRUE(real.ok()) << real.status().ToString();
  PartlyFailingLogForTest log(real->get(), 2);
  Metrics metrics;
  std::vector<Event> uses;
  {
    UseRecorder recorder(&log, UseRecorder::Mode::kAsync, &metrics);
    for (int i = 0; i < 40; ++i) {
      uses.push_back(Use(i));
      ASSERT_TRUE(recorder.Record(uses.back()).ok());
    }
    log.Release();
    recorder.Stop();
    EXPECT_EQ(recorder.queued(), 0u);
  }
  // However many uses the first batch took, at least two remain for each partial one.
  EXPECT_EQ(log.partial_batches(), 2) << "two batches written in part, then the rest";
  EXPECT_EQ(metrics.Value("wit_events_appended_total", {{"type", "token.used"}}), 40u);

  std::vector<LogRecord> records;
  std::map<std::string, int> written;
  ReadWritten(real->get(), &records, &written);
  ASSERT_EQ(records.size(), 40u) << "every use once";
  for (const Event& e : uses) EXPECT_EQ(written[e.event_id], 1) << e.event_id;
  real->reset();
  fs::remove_all(dir);
}

// RecordThen in sync mode: uses queued while the log is held go in one batch, and each waiter
// is told once whether its use is durable; one the log did not write is not retried (its
// request was answered with the error).
TEST(UseRecorderTest, EachRecordThenIsToldOnceWhetherItsUseIsDurable) {
  fs::path dir = fs::temp_directory_path() / ("wit-uses-" + NewUuid());
  auto real = EmbeddedEventLog::Open(dir.string());
  ASSERT_TRUE(real.ok()) << real.status().ToString();
  PartlyFailingLogForTest log(real->get(), 1);
  Metrics metrics;
  constexpr int kUses = 40;
  std::vector<Event> uses;
  std::mutex mu;
  std::map<std::string, std::vector<Status>> told;  // event id → what its waiter was told
  {
    UseRecorder recorder(&log, UseRecorder::Mode::kSync, &metrics);
    for (int i = 0; i < kUses; ++i) {
      uses.push_back(Use(i));
      recorder.RecordThen(uses.back(), [&, id = uses.back().event_id](const Status& s) {
        std::lock_guard<std::mutex> lock(mu);
        told[id].push_back(s);
      });
    }
    log.Release();
    recorder.Stop();
    EXPECT_EQ(recorder.queued(), 0u);
    // Stopped: refused at once.
    Status after;
    recorder.RecordThen(Use(kUses), [&](const Status& s) { after = s; });
    EXPECT_EQ(after.code(), Status::Code::kUnavailable);
  }
  EXPECT_EQ(log.partial_batches(), 1);

  std::vector<LogRecord> records;
  std::map<std::string, int> written;
  ReadWritten(real->get(), &records, &written);
  size_t durable = 0;
  for (const Event& e : uses) {
    ASSERT_EQ(told[e.event_id].size(), 1u) << e.event_id;
    const Status& s = told[e.event_id][0];
    EXPECT_EQ(written[e.event_id], s.ok() ? 1 : 0) << e.event_id << ": " << s.ToString();
    if (s.ok()) ++durable;
  }
  EXPECT_GT(durable, 0u);
  EXPECT_LT(durable, static_cast<size_t>(kUses)) << "the seam fails part of the first batch";
  EXPECT_EQ(records.size(), durable);
  EXPECT_EQ(metrics.Value("wit_events_appended_total", {{"type", "token.used"}}), durable);
  real->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace wit
