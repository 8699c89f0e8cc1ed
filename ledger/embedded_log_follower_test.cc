#include "ledger/embedded_log_follower.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>

#include "base/random.h"
#include "ledger/embedded_event_log.h"
#include "ledger/event_codec.h"
#include "ledger/log_index.h"
#include "ledger/offset_key.h"

namespace wit {
namespace {

namespace fs = std::filesystem;

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

class EmbeddedLogFollowerTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fs::temp_directory_path() / ("wit-follower-test-" + NewUuid()); }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<EmbeddedLogFollower> Follow() {
    auto f = EmbeddedLogFollower::Open(dir_.string());
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    return f.ok() ? std::move(*f) : nullptr;
  }

  std::vector<uint64_t> Lookup(EmbeddedLogFollower& f, IndexTermKind kind, const std::string& v) {
    std::vector<uint64_t> offsets;
    EXPECT_TRUE(f.Lookup(IndexTerm(kind, v), &offsets).ok());
    return offsets;
  }

  fs::path dir_;
};

TEST_F(EmbeddedLogFollowerTest, ReadsWhileTheWriterHoldsTheLogAndCatchesUp) {
  auto log = EmbeddedEventLog::Open(dir_.string());
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->Append(Used(kA, "alice")).ok());
  auto f = Follow();
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(*f->EndOffset(), 1u);
  ASSERT_TRUE((*log)->Append(Used(kB, "bob")).ok());
  EXPECT_EQ(*f->EndOffset(), 1u);  // as of Open
  ASSERT_TRUE(f->CatchUp().ok());
  EXPECT_EQ(*f->EndOffset(), 2u);
  std::vector<std::string> seen;
  ASSERT_TRUE(f->Scan(0, 2, [&](uint64_t, std::string_view p) {
                 seen.emplace_back(p);
                 return true;
               }).ok());
  ASSERT_EQ(seen.size(), 2u);
  StatusOr<Event> second = DecodeEvent(seen[1]);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->token_id, kB);
  // The writer still works, and a second follower can open beside the first.
  EXPECT_TRUE((*log)->Append(Used(kC, "carol")).ok());
  EXPECT_NE(Follow(), nullptr);
}

TEST_F(EmbeddedLogFollowerTest, TheIndexIsWrittenWithTheRecords) {
  auto log = EmbeddedEventLog::Open(dir_.string());
  ASSERT_TRUE(log.ok());
  std::vector<bool> durable;
  ASSERT_TRUE(
      (*log)->AppendBatch({Used(kA, "alice"), Used(kB, "alice"), Used(kA, "bob")}, &durable).ok());
  EXPECT_EQ(durable, std::vector<bool>(3, true));
  ASSERT_TRUE((*log)->AppendPayload("not an event").ok());
  ASSERT_TRUE((*log)->Append(Used(kA, "alice")).ok());
  auto f = Follow();
  EXPECT_EQ(*f->IndexedEnd(), 5u);
  EXPECT_EQ(Lookup(*f, IndexTermKind::kToken, kA), (std::vector<uint64_t>{0, 2, 4}));
  EXPECT_EQ(Lookup(*f, IndexTermKind::kUser, "alice"), (std::vector<uint64_t>{0, 1, 4}));
  EXPECT_TRUE(Lookup(*f, IndexTermKind::kUser, "alic").empty());  // no prefix matches
  std::vector<uint64_t> fetched;
  ASSERT_TRUE(f->Fetch({1, 4, 99}, [&](uint64_t o, std::string_view) {
                 fetched.push_back(o);
                 return true;
               }).ok());
  EXPECT_EQ(fetched, (std::vector<uint64_t>{1, 4}));
}

TEST_F(EmbeddedLogFollowerTest, ALogWrittenBeforeTheIndexIsIndexedWhenOpened) {
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
    auto f = Follow();
    EXPECT_EQ(*f->IndexedEnd(), 0u);  // wit-audit scans such a log
    EXPECT_TRUE(Lookup(*f, IndexTermKind::kToken, kA).empty());
  }
  auto log = EmbeddedEventLog::Open(dir_.string());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_TRUE((*log)->Append(Used(kA, "u")).ok());
  auto f = Follow();
  EXPECT_EQ(*f->IndexedEnd(), 4u);
  EXPECT_EQ(Lookup(*f, IndexTermKind::kToken, kA), (std::vector<uint64_t>{0, 2, 3}));
}

TEST_F(EmbeddedLogFollowerTest, ADirWithoutALogIsNotFound) {
  fs::create_directories(dir_);
  auto f = EmbeddedLogFollower::Open(dir_.string());
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace wit
