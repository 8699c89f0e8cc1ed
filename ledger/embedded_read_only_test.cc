// EmbeddedEventLog::OpenReadOnly: how wit-audit reads the embedded log, beside a writing witd.
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <stdlib.h>

#include <filesystem>
#include <thread>

#include "base/random.h"
#include "ledger/embedded_event_log.h"
#include "ledger/event_codec.h"
#include "ledger/log_index.h"
#include "ledger/offset_key.h"

namespace wit {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kA = "aaaaaaaa-0000-4000-8000-000000000000";
const std::string kB = "bbbbbbbb-0000-4000-8000-000000000000";
const std::string kC = "cccccccc-0000-4000-8000-000000000000";

Event Used(const std::string& token_id, const std::string& user) {
  Event e;
  e.type = EventType::kUsed;
  e.event_id = NewUuid();
  e.occurred_at = 1000;
  e.token_id = token_id;
  e.user_id = user;
  e.outcome = "allowed";
  return e;
}

uint64_t End(EventLog& log) {
  StatusOr<LogPositions> end = log.EndPositions();
  EXPECT_TRUE(end.ok()) << end.status().ToString();
  return end.ok() ? (*end)[EmbeddedEventLog::kStream] : 0;
}

// ReadAll reads every record from offset 0 through a reader, waiting `wait` for the first.
std::vector<LogRecord> ReadAll(EventLog& log, std::chrono::milliseconds wait = 0ms) {
  auto reader = log.OpenReader({});
  EXPECT_TRUE(reader.ok());
  std::vector<LogRecord> out;
  if (!reader.ok()) return out;
  EXPECT_TRUE((*reader)->Read(1000, wait, &out).ok());
  return out;
}

class EmbeddedReadOnlyTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fs::temp_directory_path() / ("wit-read-only-test-" + NewUuid()); }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<EmbeddedEventLog> ReadOnly() {
    auto log = EmbeddedEventLog::OpenReadOnly(dir_.string());
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return log.ok() ? std::move(*log) : nullptr;
  }

  std::vector<uint64_t> Lookup(EventLog& log, IndexTermKind kind, const std::string& v) {
    std::vector<LogPosition> positions;
    EXPECT_TRUE(log.Lookup(IndexTerm(kind, v), &positions).ok());
    std::vector<uint64_t> offsets;
    for (const LogPosition& p : positions) {
      EXPECT_EQ(p.stream, EmbeddedEventLog::kStream);
      offsets.push_back(p.offset);
    }
    return offsets;
  }

  fs::path dir_;
};

TEST_F(EmbeddedReadOnlyTest, ReadsWhileTheWriterHoldsTheLogAndCatchesUp) {
  auto log = EmbeddedEventLog::Open(dir_.string());
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->Append(Used(kA, "alice")).ok());
  auto ro = ReadOnly();
  ASSERT_NE(ro, nullptr);
  EXPECT_EQ(ReadAll(*ro).size(), 1u);
  ASSERT_TRUE((*log)->Append(Used(kB, "bob")).ok());
  EXPECT_EQ(ReadAll(*ro).size(), 1u);  // as of Open: a read that does not wait sees no more
  EXPECT_EQ(End(*ro), 2u);             // EndPositions catches up
  std::vector<LogRecord> seen = ReadAll(*ro);
  ASSERT_EQ(seen.size(), 2u);
  StatusOr<Event> second = DecodeEvent(seen[1].payload);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->token_id, kB);
  // The writer still works, a second reader can open beside the first, and neither can write.
  EXPECT_TRUE((*log)->Append(Used(kC, "carol")).ok());
  EXPECT_NE(ReadOnly(), nullptr);
  StatusOr<LogPosition> refused = ro->Append(Used(kC, "carol"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(End(**log), 3u);
}

TEST_F(EmbeddedReadOnlyTest, AReadThatWaitsSeesWhatTheWriterAppendsMeanwhile) {
  auto log = EmbeddedEventLog::Open(dir_.string());
  ASSERT_TRUE(log.ok());
  auto ro = ReadOnly();
  ASSERT_NE(ro, nullptr);
  auto reader = ro->OpenReader({});
  ASSERT_TRUE(reader.ok());
  std::vector<LogRecord> out;
  ASSERT_TRUE((*reader)->Read(10, 0ms, &out).ok());
  EXPECT_TRUE(out.empty());
  std::thread writer([&] {
    std::this_thread::sleep_for(50ms);
    EXPECT_TRUE((*log)->Append(Used(kA, "alice")).ok());
  });
  // Up to a minute: a loaded sanitizer run is slow, and the read returns as soon as it sees it.
  for (int i = 0; i < 60 && out.empty(); ++i) ASSERT_TRUE((*reader)->Read(10, 1000ms, &out).ok());
  writer.join();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].offset, 0u);
  EXPECT_EQ((*reader)->KnownEnd(), (LogPositions{{EmbeddedEventLog::kStream, 1}}));
}

TEST_F(EmbeddedReadOnlyTest, TheIndexIsWrittenWithTheRecordsAndFetchGivesTheMacs) {
  auto log = EmbeddedEventLog::Open(dir_.string());
  ASSERT_TRUE(log.ok());
  std::vector<bool> durable;
  ASSERT_TRUE(
      (*log)->AppendBatch({Used(kA, "alice"), Used(kB, "alice"), Used(kA, "bob")}, &durable).ok());
  EXPECT_EQ(durable, std::vector<bool>(3, true));
  ASSERT_TRUE((*log)->AppendPayload("not an event", "a-mac").ok());
  ASSERT_TRUE((*log)->Append(Used(kA, "alice")).ok());
  auto ro = ReadOnly();
  ASSERT_NE(ro, nullptr);
  EXPECT_EQ(*ro->IndexedEnd(), (LogPositions{{EmbeddedEventLog::kStream, 5}}));
  EXPECT_EQ(Lookup(*ro, IndexTermKind::kToken, kA), (std::vector<uint64_t>{0, 2, 4}));
  EXPECT_EQ(Lookup(*ro, IndexTermKind::kUser, "alice"), (std::vector<uint64_t>{0, 1, 4}));
  EXPECT_TRUE(Lookup(*ro, IndexTermKind::kUser, "alic").empty());  // no prefix matches
  std::vector<LogRecord> fetched;
  const std::string s = EmbeddedEventLog::kStream;
  ASSERT_TRUE(ro->Fetch({{s, 1}, {s, 3}, {s, 99}, {"other", 2}}, [&](const LogRecord& r) {
                  fetched.push_back(r);
                  return true;
                }).ok());
  ASSERT_EQ(fetched.size(), 2u);
  EXPECT_EQ(fetched[0].offset, 1u);
  EXPECT_EQ(fetched[0].mac, "");
  EXPECT_EQ(fetched[1].offset, 3u);
  EXPECT_EQ(fetched[1].payload, "not an event");
  EXPECT_EQ(fetched[1].mac, "a-mac");
  // The reader gives the same MAC in order.
  std::vector<LogRecord> all = ReadAll(*ro);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[3].mac, "a-mac");
  EXPECT_EQ(all[4].mac, "");
}

TEST_F(EmbeddedReadOnlyTest, ALogWrittenBeforeTheIndexIsReadAsItIsThenIndexedByTheWriter) {
  {
    // The layout of a log from before the index: records only, in the default column family.
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir_.string(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    for (uint64_t i = 0; i < 3; ++i) {
      ASSERT_TRUE(
          db->Put(rocksdb::WriteOptions(), OffsetKey(i), EncodeEvent(Used(i % 2 ? kB : kA, "u")))
              .ok());
    }
  }
  {
    auto ro = ReadOnly();
    ASSERT_NE(ro, nullptr);
    EXPECT_TRUE(ro->IndexedEnd()->empty());  // wit-audit scans such a log
    EXPECT_TRUE(Lookup(*ro, IndexTermKind::kToken, kA).empty());
    EXPECT_EQ(ReadAll(*ro).size(), 3u);
    EXPECT_EQ(ro->UnsignedBefore(), (LogPositions{{EmbeddedEventLog::kStream, UINT64_MAX}}));
  }
  auto log = EmbeddedEventLog::Open(dir_.string());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_TRUE((*log)->Append(Used(kA, "u")).ok());
  auto ro = ReadOnly();
  ASSERT_NE(ro, nullptr);
  EXPECT_EQ(*ro->IndexedEnd(), (LogPositions{{EmbeddedEventLog::kStream, 4}}));
  EXPECT_EQ(Lookup(*ro, IndexTermKind::kToken, kA), (std::vector<uint64_t>{0, 2, 3}));
}

TEST_F(EmbeddedReadOnlyTest, ADirWithoutALogIsNotFound) {
  fs::create_directories(dir_);
  auto ro = EmbeddedEventLog::OpenReadOnly(dir_.string());
  ASSERT_FALSE(ro.ok());
  EXPECT_EQ(ro.status().code(), Status::Code::kNotFound);
}

TEST_F(EmbeddedReadOnlyTest, ClosingRemovesTheSecondarysOwnDirectory) {
  fs::create_directories(dir_);
  ASSERT_TRUE(EmbeddedEventLog::Open((dir_ / "log").string()).ok());
  // The secondary's directory is made under TMPDIR: a private one, so no other test's counts.
  fs::path tmp = dir_ / "tmp";
  fs::create_directories(tmp);
  const char* old_tmpdir = getenv("TMPDIR");
  std::string saved = old_tmpdir ? old_tmpdir : "";
  setenv("TMPDIR", tmp.c_str(), 1);
  auto count = [&] { return std::distance(fs::directory_iterator(tmp), fs::directory_iterator()); };
  auto ro = EmbeddedEventLog::OpenReadOnly((dir_ / "log").string());
  ASSERT_TRUE(ro.ok()) << ro.status().ToString();
  EXPECT_EQ(count(), 1);
  ro->reset();
  EXPECT_EQ(count(), 0);
  EXPECT_EQ(EmbeddedEventLog::OpenReadOnly((dir_ / "none").string()).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(count(), 0);
  if (old_tmpdir) {
    setenv("TMPDIR", saved.c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
}

}  // namespace
}  // namespace wit
