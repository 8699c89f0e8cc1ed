// A view written before base/coding.h (positions and record integers in host order, no format
// key) still opens: its positions are rewritten big-endian once, its records read as they are.
// So does one whose files are compressed as the view compressed them before 2026-12-05.
#include "projector/token_view.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/table_properties.h>

#include <cstring>
#include <filesystem>
#include <set>

#include "base/coding.h"
#include "base/random.h"

namespace wit {
namespace {

namespace fs = std::filesystem;

// The legacy encodings, as token_view.cc and token_state.cc wrote them until 2026-12.
void LegacyU32(std::string* out, uint32_t v) { out->append(reinterpret_cast<const char*>(&v), 4); }
void LegacyI64(std::string* out, int64_t v) { out->append(reinterpret_cast<const char*>(&v), 8); }
void LegacyString(std::string* out, const std::string& s) {
  LegacyU32(out, static_cast<uint32_t>(s.size()));
  out->append(s);
}
void LegacyOptTime(std::string* out, const std::optional<TimeMs>& t) {
  out->push_back(t ? 1 : 0);
  LegacyI64(out, t.value_or(0));
}
std::string LegacyState(const TokenState& t) {
  std::string out(1, '\x02');
  out.push_back(t.created ? 1 : 0);
  for (const std::string* s : {&t.id, &t.user_id, &t.name, &t.prefix, &t.token_hash}) {
    LegacyString(&out, *s);
  }
  LegacyU32(&out, static_cast<uint32_t>(t.scopes.size()));
  for (const auto& s : t.scopes) LegacyString(&out, s);
  LegacyI64(&out, t.created_at);
  LegacyOptTime(&out, t.expires_at);
  LegacyOptTime(&out, t.last_used_at);
  LegacyOptTime(&out, t.revoked_at);
  LegacyString(&out, t.revoked_by);
  return out;
}

// AlicesLaptop is a token of alice's, not yet revoked nor used.
TokenState AlicesLaptop() {
  TokenState t;
  t.id = NewUuid();
  t.user_id = "alice";
  t.name = "laptop";
  t.prefix = "AbC123xy";
  t.token_hash = std::string(64, 'a');
  t.scopes = {"repo:read", "repo:write"};
  t.created_at = 1795817820123;
  return t;
}

TEST(TokenViewTest, AViewInTheLegacyHostOrderFormatOpensAndIsMigrated) {
  fs::path dir = fs::temp_directory_path() / ("wit-view-legacy-" + NewUuid());
  TokenState t = AlicesLaptop();
  t.last_used_at = 1795817830000;
  t.revoked_at = 1795817840000;
  t.revoked_by = "alice";
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir.string(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    uint64_t lifecycle = 12345, usage = 1ull << 40;
    ASSERT_TRUE(
        db->Put({}, "pos/embedded", std::string(reinterpret_cast<char*>(&lifecycle), 8)).ok());
    ASSERT_TRUE(db->Put({}, "pos/usage/0", std::string(reinterpret_cast<char*>(&usage), 8)).ok());
    ASSERT_TRUE(db->Put({}, "t/" + t.id, LegacyState(t)).ok());
    ASSERT_TRUE(db->Put({}, "h/" + t.token_hash, t.id).ok());
    ASSERT_TRUE(db->Put({}, std::string("u/alice") + '\0' + t.id, "r").ok());
  }
  {
    auto view = TokenView::Open(dir.string());
    ASSERT_TRUE(view.ok()) << view.status().ToString();
    LogPositions positions = (*view)->Positions();
    EXPECT_EQ(positions["embedded"], 12345u);
    EXPECT_EQ(positions["usage/0"], 1ull << 40);
    auto by_hash = (*view)->GetByHash(t.token_hash);
    ASSERT_TRUE(by_hash.ok()) << by_hash.status().ToString();
    EXPECT_EQ(*by_hash, t);
    EXPECT_EQ((*view)->ListByUser("alice", TokenView::Listing::kAll).size(), 1u);
  }
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::OpenForReadOnly(rocksdb::Options(), dir.string(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::string format, pos;
    ASSERT_TRUE(db->Get({}, "~format", &format).ok());
    EXPECT_EQ(format, "2");
    ASSERT_TRUE(db->Get({}, "pos/embedded", &pos).ok());
    EXPECT_EQ(pos, EncodeFixed64(12345)) << "rewritten big-endian";
  }
  auto again = TokenView::Open(dir.string());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->Positions()["usage/0"], 1ull << 40) << "a migrated view reopens the same";
  again->reset();
  fs::remove_all(dir);
}

TEST(TokenViewTest, RecordsAreWrittenBigEndianAndReadBack) {
  TokenState t;
  t.id = NewUuid();
  t.user_id = "bob";
  t.created_at = 0x0102030405060708;
  t.revoked_reason = "rotated";
  t.rotated_from = NewUuid();
  t.family_id = t.rotated_from;
  t.allowed_ips = {"10.0.0.0/8"};
  t.resources = {"acme/*", "bob/dotfiles"};
  t.last_used_ips = {"10.0.0.2", "10.0.0.1"};
  std::string bytes = EncodeTokenState(t);
  EXPECT_EQ(bytes[0], '\x04') << "the big-endian version with limits";
  EXPECT_NE(bytes.find(EncodeFixed64(0x0102030405060708)), std::string::npos);
  auto back = DecodeTokenState(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, t);
  TokenState before_limits = t;
  before_limits.revoked_reason.clear();
  before_limits.rotated_from.clear();
  before_limits.family_id.clear();
  before_limits.allowed_ips.clear();
  before_limits.resources.clear();
  before_limits.last_used_ips.clear();
  auto legacy = DecodeTokenState(LegacyState(before_limits));
  ASSERT_TRUE(legacy.ok()) << legacy.status().ToString();
  EXPECT_EQ(*legacy, before_limits);
  // Version 3 is version 4 without its tail.
  std::string v3 = EncodeTokenState(before_limits);
  v3[0] = '\x03';
  v3.resize(v3.size() - size_t{24});  // 3 + 3 fields of 4 bytes
  auto read_v3 = DecodeTokenState(v3);
  ASSERT_TRUE(read_v3.ok()) << read_v3.status().ToString();
  EXPECT_EQ(*read_v3, before_limits);
  EXPECT_FALSE(DecodeTokenState(std::string("\x05", 1) + bytes.substr(1)).ok());
}

TEST(TokenViewTest, AViewOfAnUnknownFormatIsRefusedWithTheWayOut) {
  fs::path dir = fs::temp_directory_path() / ("wit-view-future-" + NewUuid());
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir.string(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put({}, "~format", "9").ok());
  }
  auto view = TokenView::Open(dir.string());
  ASSERT_FALSE(view.ok());
  EXPECT_NE(view.status().message().find("delete it to rebuild"), std::string::npos)
      << view.status().message();
  fs::remove_all(dir);
}

// The view compressed its files with Snappy until 2026-12-05 and with LZ4 since: a view whose
// files are Snappy's opens, reads and takes new events, and what it writes now is LZ4.
TEST(TokenViewTest, AViewWrittenWithSnappyReadsUnderLz4AndWritesLz4) {
  fs::path dir = fs::temp_directory_path() / ("wit-view-snappy-" + NewUuid());
  TokenState t = AlicesLaptop();
  t.created = true;
  // The table properties of every file of the view: "compression" → the files' codecs.
  auto codecs = [&dir] {
    rocksdb::DB* raw = nullptr;
    std::set<std::string> names;
    rocksdb::Status s = rocksdb::DB::OpenForReadOnly(rocksdb::Options(), dir.string(), &raw);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (!s.ok()) return names;
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::TablePropertiesCollection tables;
    EXPECT_TRUE(db->GetPropertiesOfAllTables(&tables).ok());
    for (const auto& [file, props] : tables) names.insert(props->compression_name);
    return names;
  };
  {
    rocksdb::Options options = ViewStorageOptions();
    options.compression = rocksdb::kSnappyCompression;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir.string(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put({}, "~format", "2").ok());
    ASSERT_TRUE(db->Put({}, "pos/embedded", EncodeFixed64(1)).ok());
    ASSERT_TRUE(db->Put({}, "t/" + t.id, EncodeTokenState(t)).ok());
    ASSERT_TRUE(db->Put({}, "h/" + t.token_hash, t.id).ok());
    ASSERT_TRUE(db->Put({}, std::string("u/alice") + '\0' + t.id, "").ok());
    ASSERT_TRUE(db->Flush(rocksdb::FlushOptions()).ok());
  }
  ASSERT_EQ(codecs(), std::set<std::string>{"Snappy"});
  {
    auto view = TokenView::Open(dir.string());
    ASSERT_TRUE(view.ok()) << view.status().ToString();
    auto by_hash = (*view)->GetByHash(t.token_hash);
    ASSERT_TRUE(by_hash.ok()) << by_hash.status().ToString();
    EXPECT_EQ(*by_hash, t);
    Event used;
    used.type = EventType::kUsed;
    used.event_id = NewUuid();
    used.token_id = t.id;
    used.user_id = "alice";
    used.occurred_at = t.created_at + 1000;
    used.outcome = "allowed";
    TokenView::ApplyStats stats;
    ASSERT_TRUE((*view)->Apply({used}, {{"embedded", 2}}, &stats).ok());
    EXPECT_EQ(stats.applied, 1u);
  }  // closing flushes the memtable (the view writes without a WAL)
  EXPECT_EQ(codecs(), (std::set<std::string>{"LZ4", "Snappy"}));
  auto again = TokenView::Open(dir.string());
  ASSERT_TRUE(again.ok());
  auto read = (*again)->GetById(t.id);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->last_used_at, std::optional<TimeMs>(t.created_at + 1000));
  again->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace wit
