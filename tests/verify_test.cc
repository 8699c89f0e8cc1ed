// wit-audit verify against witd's signed checkpoints: a true log verifies, and a copy tampered
// with in each way an attacker with the data dir could (a record deleted, changed, swapped,
// the tail cut, a record appended) does not.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "ledger/event_codec.h"
#include "ledger/log_index.h"
#include "ledger/offset_key.h"
#include "tests/log_backend.h"
#include "tests/support/eventually.h"
#include "tests/test_json.h"
#include "tests/witd_process.h"

namespace wit::testing {
namespace {

namespace fs = std::filesystem;

// EditLog opens the embedded log under `data` as RocksDB and lets `edit` change its records.
void EditLog(const std::string& data, const std::function<void(rocksdb::DB*)>& edit) {
  rocksdb::Options options;
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(options, data + "/log", &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, data + "/log", families, &handles, &raw).ok());
  edit(raw);
  for (auto* h : handles) ASSERT_TRUE(raw->DestroyColumnFamilyHandle(h).ok());
  delete raw;
}

std::string Get(rocksdb::DB* db, uint64_t offset) {
  std::string value;
  EXPECT_TRUE(db->Get(rocksdb::ReadOptions(), OffsetKey(offset), &value).ok()) << offset;
  return value;
}

void Put(rocksdb::DB* db, uint64_t offset, const std::string& value) {
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), OffsetKey(offset), value).ok());
}

// CreateAndUse has alice create `n` tokens on `witd` and the service git verify the last one:
// n lifecycle records and one token.used.
bool CreateAndUse(WitdProcess& witd, int n) {
  std::string alice = witd.UserSession("alice"), git = witd.ServiceSession("git");
  std::string token;
  for (int i = 0; i < n; ++i) {
    HttpResponse r = Http(witd.port(), "POST", "/api/tokens", R"({"name":"t"})", alice);
    if (r.status != 201) return false;
    token = Json::Parse(r.body).Str("token");
  }
  return Http(witd.port(), "POST", "/api/tokens/verify", "{\"token\":\"" + token + "\"}", git)
             .status == 200;
}

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("verify");
    data_ = dir_ + "/data";
    WitdProcess witd(data_);
    ASSERT_TRUE(witd.Start());
    std::string alice = witd.UserSession("alice");
    ASSERT_TRUE(CreateAndUse(witd, 3));  // records 0 to 2 are creations, 3 a token.used
    Save(witd, 4, "cp4");
    ASSERT_EQ(Http(witd.port(), "POST", "/api/tokens", R"({"name":"u"})", alice).status, 201);
    Save(witd, 5, "cp5");
    ASSERT_EQ(witd.Stop(), 0);
    CommandResult key = RunCommand(BinDir() + "/witd log public-key --data-dir " + data_ + " > " +
                                   dir_ + "/log.pub");
    ASSERT_EQ(key.exit_code, 0) << key.err;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Save waits for the checkpoint of `size` records and keeps it in `name`.
  void Save(WitdProcess& witd, uint64_t size, const std::string& name) {
    std::string note;
    ASSERT_TRUE(Eventually([&] {
      note = Http(witd.port(), "GET", "/api/log/checkpoint?stream=log").body;
      return note.find("\n" + std::to_string(size) + "\n") != std::string::npos;
    })) << note;
    std::ofstream(dir_ + "/" + name) << note;
  }

  // Verify runs wit-audit verify on `data` with both checkpoints.
  CommandResult Verify(const std::string& data) {
    return RunCommand(BinDir() + "/wit-audit verify --data-dir " + data + " --checkpoint " + dir_ +
                      "/cp4 --checkpoint " + dir_ + "/cp5 --public-key " + dir_ + "/log.pub");
  }

  // Tampered copies the data dir, lets `edit` change the copy's log, and verifies it.
  CommandResult Tampered(const std::string& name, const std::function<void(rocksdb::DB*)>& edit) {
    std::string copy = dir_ + "/" + name;
    fs::copy(data_, copy, fs::copy_options::recursive);
    EditLog(copy, edit);
    return Verify(copy);
  }

  std::string dir_, data_;
};

TEST_F(VerifyTest, TheTrueLogVerifiesAgainstEveryCheckpoint) {
  CommandResult r = Verify(data_);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("log: 5 records, root "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("checkpoint of 4 records (" + dir_ + "/cp4): OK"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("checkpoint of 5 records (" + dir_ + "/cp5): OK"), std::string::npos)
      << r.out;
  // Without a checkpoint it prints the tree; a checkpoint needs the key; a wrong key fails.
  CommandResult bare = RunCommand(BinDir() + "/wit-audit verify --data-dir " + data_);
  EXPECT_EQ(bare.exit_code, 0);
  EXPECT_NE(bare.out.find("(no checkpoint given)"), std::string::npos) << bare.out;
  CommandResult keyless = RunCommand(BinDir() + "/wit-audit verify --data-dir " + data_ +
                                     " --checkpoint " + dir_ + "/cp4");
  EXPECT_EQ(keyless.exit_code, 2) << keyless.err;
  RunCommand(BinDir() + "/witd log public-key --log-signing-key " + dir_ + "/other.key > " + dir_ +
             "/other.pub");
  CommandResult wrong =
      RunCommand(BinDir() + "/wit-audit verify --data-dir " + data_ + " --checkpoint " + dir_ +
                 "/cp4 --public-key " + dir_ + "/other.pub");
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.err.find("no valid signature"), std::string::npos) << wrong.err;
}

TEST_F(VerifyTest, ADeletedUseIsFound) {
  CommandResult r = Tampered("deleted", [](rocksdb::DB* db) {
    ASSERT_EQ(DecodeEvent(Get(db, 3))->type, EventType::kUsed);
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), OffsetKey(3)).ok());
  });
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("the log holds no record 3"), std::string::npos) << r.out;
}

TEST_F(VerifyTest, AChangedByteIsFound) {
  CommandResult r = Tampered("changed", [](rocksdb::DB* db) {
    std::string record = Get(db, 1);
    record[record.size() / 2] ^= 1;
    Put(db, 1, record);
  });
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("checkpoint of 4 records (" + dir_ + "/cp4): DIFFERS"), std::string::npos)
      << r.out;
}

TEST_F(VerifyTest, SwappedRecordsAreFound) {
  CommandResult r = Tampered("swapped", [](rocksdb::DB* db) {
    std::string a = Get(db, 0), b = Get(db, 2);
    Put(db, 0, b);
    Put(db, 2, a);
  });
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("cp4): DIFFERS"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cp5): DIFFERS"), std::string::npos) << r.out;
}

TEST_F(VerifyTest, ACutTailIsFound) {
  CommandResult r = Tampered("cut", [](rocksdb::DB* db) {
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), OffsetKey(4)).ok());
  });
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("cp4): OK"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cp5): DIFFERS: the log holds 4 records, fewer than the 5 signed"),
            std::string::npos)
      << r.out;
}

TEST_F(VerifyTest, ARecordAppendedWithoutASignatureIsFound) {
  CommandResult r = Tampered("appended", [](rocksdb::DB* db) { Put(db, 5, Get(db, 3)); });
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("cp5): OK"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("records 5 to 5: NOT SIGNED"), std::string::npos) << r.out;
}

// On Kafka every partition is a stream with a tree and checkpoints of its own.
TEST(VerifyKafkaTest, EveryPartitionsCheckpointVerifiesAndAForgedRecordIsFound) {
  LogBackend backend("real_kafka");
  ASSERT_TRUE(backend.is_real_kafka());
  std::string dir = MakeTempDir("verify-kafka");
  WitdProcess witd(dir + "/data", backend.WitdArgs());
  ASSERT_TRUE(witd.Start());
  ASSERT_TRUE(CreateAndUse(witd, 4));
  std::vector<Json> checkpoints;
  ASSERT_TRUE(Eventually([&] {
    checkpoints =
        Json::Parse(Http(witd.port(), "GET", "/api/log/checkpoints").body).Array("checkpoints");
    int64_t records = 0;
    for (const Json& c : checkpoints) records += c.Int("size");
    return records == 5;
  }));
  std::string flags;
  for (size_t i = 0; i < checkpoints.size(); ++i) {
    EXPECT_EQ(checkpoints[i].Str("origin"), "wit-ledger/" + checkpoints[i].Str("stream"));
    std::string file = dir + "/cp" + std::to_string(i);
    std::ofstream(file) << checkpoints[i].Str("note");
    flags += " --checkpoint " + file;
  }
  ASSERT_EQ(witd.Stop(), 0);
  ASSERT_EQ(RunCommand(BinDir() + "/witd log public-key --data-dir " + dir + "/data > " + dir +
                       "/log.pub")
                .exit_code,
            0);
  std::string verify = BinDir() + "/wit-audit verify " + backend.AuditFlags() + flags +
                       " --public-key " + dir + "/log.pub";
  CommandResult ok = RunCommand(verify);
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  size_t oks = 0;
  for (size_t at = ok.out.find("): OK"); at != std::string::npos;
       at = ok.out.find("): OK", at + 1)) {
    ++oks;
  }
  EXPECT_EQ(oks, checkpoints.size()) << ok.out;
  // A record a service (or an attacker with the topic's ACL) produces is signed by no checkpoint.
  std::ofstream(dir + "/forged") << "{\"type\":\"token.used\"}";
  std::string stream = checkpoints[0].Str("stream");
  std::string topic = stream.substr(0, stream.rfind('/'));
  std::string partition = stream.substr(stream.rfind('/') + 1);
  CommandResult produced = RunCommand("kcat -P -b " + backend.brokers() + " -t " + topic + " -p " +
                                      partition + " " + dir + "/forged");
  ASSERT_EQ(produced.exit_code, 0) << produced.err;
  CommandResult forged = RunCommand(verify);
  EXPECT_EQ(forged.exit_code, 1) << forged.out;
  EXPECT_NE(forged.out.find(": NOT SIGNED"), std::string::npos) << forged.out;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wit::testing
