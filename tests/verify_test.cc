// wit-audit verify against witd's signed checkpoints: a true log verifies, and a copy tampered
// with in each way an attacker with the data dir could (a record deleted, changed, swapped,
// the tail cut, a record appended) does not.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>

#include "ledger/checkpoint.h"
#include "ledger/event_codec.h"
#include "ledger/log_index.h"
#include "ledger/offset_key.h"
#include "tests/log_backend.h"
#include "tests/support/eventually.h"
#include "tests/support/kafka_records.h"
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
    // Copies are tampered with while witd serves the true log's proofs from its own.
    fs::copy(data_, dir_ + "/pristine", fs::copy_options::recursive);
    server_ = std::make_unique<WitdProcess>(data_);
    ASSERT_TRUE(server_->Start());
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }

  // Save waits for the checkpoint of `size` records and keeps it in `name`.
  void Save(WitdProcess& witd, uint64_t size, const std::string& name) {
    std::string note;
    ASSERT_TRUE(Eventually([&] {
      note = Http(witd.port(), "GET", "/api/log/checkpoint?stream=log").body;
      return note.find("\n" + std::to_string(size) + "\n") != std::string::npos;
    })) << note;
    std::ofstream(dir_ + "/" + name) << note;
  }

  // Verify runs wit-audit verify on `data` with both checkpoints, and witd's proofs to name
  // the first record that differs unless `with_server` is false.
  CommandResult Verify(const std::string& data, bool with_server = true) {
    return RunCommand(BinDir() + "/wit-audit verify --data-dir " + data + " --checkpoint " + dir_ +
                      "/cp4 --checkpoint " + dir_ + "/cp5 --public-key " + dir_ + "/log.pub" +
                      (with_server ? " --server " + server_->url() : ""));
  }

  // Tampered copies the data dir, lets `edit` change the copy's log, and verifies it.
  CommandResult Tampered(const std::string& name, const std::function<void(rocksdb::DB*)>& edit,
                         bool with_server = true) {
    std::string copy = dir_ + "/" + name;
    fs::copy(dir_ + "/pristine", copy, fs::copy_options::recursive);
    EditLog(copy, edit);
    return Verify(copy, with_server);
  }

  std::string dir_, data_;
  std::unique_ptr<WitdProcess> server_;
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

// Deleted, and the records after it renumbered so that the log has no gap: the tree of what
// is left is computed, differs, and the server's proofs name the deleted record's offset.
TEST_F(VerifyTest, ADeletedUseWithTheLogRenumberedIsFoundAtItsOffset) {
  CommandResult r = Tampered("renumbered", [](rocksdb::DB* db) {
    ASSERT_EQ(DecodeEvent(Get(db, 3))->type, EventType::kUsed);
    Put(db, 3, Get(db, 4));
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), OffsetKey(4)).ok());
  });
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("cp4): DIFFERS"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FIRST BAD RECORD 3: not the record the checkpoint of 4 signs"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("proven by witd's inclusion proofs"), std::string::npos) << r.out;
  // Offline, the view in the data dir (which the edit left as it was) gives the proofs; they
  // hold against the signed root, so they name the same record.
  CommandResult offline = Verify(dir_ + "/renumbered", false);
  EXPECT_EQ(offline.exit_code, 1);
  EXPECT_NE(offline.out.find("FIRST BAD RECORD 3:"), std::string::npos) << offline.out;
  EXPECT_NE(offline.out.find("proven by inclusion proofs from the view's tree"), std::string::npos)
      << offline.out;
  // A view rebuilt from the edited log gives proofs that do not hold; without any, the
  // checkpoints only bracket the change.
  fs::remove_all(dir_ + "/renumbered/view");
  CommandResult bare = Verify(dir_ + "/renumbered", false);
  EXPECT_EQ(bare.exit_code, 1);
  EXPECT_NE(bare.out.find("differs from the checkpoint of 4 is one of 0 to 3"), std::string::npos)
      << bare.out;
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
  EXPECT_NE(r.out.find("FIRST BAD RECORD 1:"), std::string::npos) << r.out;
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
  EXPECT_NE(r.out.find("FIRST BAD RECORD 0:"), std::string::npos) << r.out;
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
  EXPECT_NE(r.out.find("FIRST BAD RECORD 4: missing (the log ends there)"), std::string::npos)
      << r.out;
}

TEST_F(VerifyTest, ARecordAppendedWithoutASignatureIsFound) {
  CommandResult r = Tampered("appended", [](rocksdb::DB* db) { Put(db, 5, Get(db, 3)); });
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("cp5): OK"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("records 5 to 5: NOT SIGNED"), std::string::npos) << r.out;
}

// wit-audit prove writes one event with its inclusion proof and a signed checkpoint;
// verify-proof checks it with the log's key and nothing else.
TEST_F(VerifyTest, AProofBundleProvesOneEventWithTheKeyAlone) {
  std::string used_id;
  EditLog(dir_ + "/pristine",
          [&](rocksdb::DB* db) { used_id = DecodeEvent(Get(db, 3))->event_id; });
  std::string bundle = dir_ + "/used.proof";
  CommandResult proved =
      RunCommand(BinDir() + "/wit-audit prove --data-dir " + data_ + " --event-id " + used_id +
                 " --server " + server_->url() + " --out " + bundle);
  ASSERT_EQ(proved.exit_code, 0) << proved.err;
  CommandResult checked = RunCommand(BinDir() + "/wit-audit verify-proof " + bundle +
                                     " --public-key " + dir_ + "/log.pub");
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_NE(checked.out.find("OK: record 3 of log is in the tree of 5 records"), std::string::npos)
      << checked.out;
  EXPECT_NE(checked.out.find(used_id), std::string::npos) << checked.out;
  // Against a saved checkpoint instead of the server's latest: the one that covers it.
  CommandResult offline = RunCommand(BinDir() + "/wit-audit prove --data-dir " + data_ +
                                     " --event-id " + used_id + " --checkpoint " + dir_ +
                                     "/cp5 --checkpoint " + dir_ + "/cp4 > " + dir_ + "/off.proof");
  ASSERT_EQ(offline.exit_code, 0) << offline.err;
  EXPECT_NE(RunCommand(BinDir() + "/wit-audit verify-proof " + dir_ + "/off.proof --public-key " +
                       dir_ + "/log.pub")
                .out.find("in the tree of 4 records"),
            std::string::npos);
  // Another index, another key, or a record the log does not hold as signed: not proven.
  std::string text = RunCommand("cat " + bundle).out;
  std::string moved = text;
  moved.replace(moved.find("\"index\":3"), 9, "\"index\":2");
  std::ofstream(dir_ + "/moved.proof") << moved;
  CommandResult refused = RunCommand(BinDir() + "/wit-audit verify-proof " + dir_ +
                                     "/moved.proof --public-key " + dir_ + "/log.pub");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("NOT PROVEN"), std::string::npos) << refused.err;
  RunCommand(BinDir() + "/witd log public-key --log-signing-key " + dir_ + "/other.key > " + dir_ +
             "/other.pub");
  EXPECT_EQ(RunCommand(BinDir() + "/wit-audit verify-proof " + bundle + " --public-key " + dir_ +
                       "/other.pub")
                .exit_code,
            1);
  std::string copy = dir_ + "/changed";
  fs::copy(dir_ + "/pristine", copy, fs::copy_options::recursive);
  EditLog(copy, [](rocksdb::DB* db) {
    std::string record = Get(db, 1);
    record[record.size() / 2] ^= 1;
    Put(db, 1, record);
  });
  CommandResult from_changed =
      RunCommand(BinDir() + "/wit-audit prove --data-dir " + copy + " --event-id " + used_id +
                 " --checkpoint " + dir_ + "/cp4");
  EXPECT_EQ(from_changed.exit_code, 1);
  EXPECT_NE(from_changed.err.find("are not those the checkpoint signs"), std::string::npos)
      << from_changed.err;
  EXPECT_EQ(RunCommand(BinDir() + "/wit-audit prove --data-dir " + data_ +
                       " --event-id no-such-event --checkpoint " + dir_ + "/cp4")
                .exit_code,
            1);
}

// WitnessRun runs wit-audit witness once against `witd` with its state in `state`.
CommandResult WitnessRun(const WitdProcess& witd, const std::string& state,
                         const std::string& key_file) {
  return RunCommand(BinDir() + "/wit-audit witness --server " + witd.url() + " --state " + state +
                    " --public-key " + key_file);
}

// WaitForSize waits until witd's checkpoint of the embedded log has `size` records.
bool WaitForSize(const WitdProcess& witd, uint64_t size) {
  return Eventually([&] {
    std::string note = Http(witd.port(), "GET", "/api/log/checkpoint?stream=log").body;
    return note.find("\n" + std::to_string(size) + "\n") != std::string::npos;
  });
}

// The witness holds what it saw proven. History rewritten and signed again with the real key
// (the log's key is on the same disk) is still caught against what it holds: a tree that
// shrank, a fork at the same size, and a larger tree no proof ties to the held one.
TEST_F(VerifyTest, TheWitnessCatchesHistoryRewrittenAndSignedAgainWithTheRealKey) {
  std::string state = dir_ + "/witness", key = dir_ + "/log.pub";
  std::string alice = server_->UserSession("alice");
  ASSERT_TRUE(WaitForSize(*server_, 5));
  CommandResult first = WitnessRun(*server_, state, key);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_NE(first.out.find("log: size 5: held (the first seen), cosigned"), std::string::npos)
      << first.out;
  ASSERT_EQ(Http(server_->port(), "POST", "/api/tokens", R"({"name":"v"})", alice).status, 201);
  ASSERT_TRUE(WaitForSize(*server_, 6));
  CommandResult grown = RunCommand(BinDir() + "/wit-audit witness --server " + server_->url() +
                                   " --state " + state);  // the key is kept in the state
  ASSERT_EQ(grown.exit_code, 0) << grown.out << grown.err;
  EXPECT_NE(grown.out.find("log: size 5 -> 6: consistent, cosigned"), std::string::npos)
      << grown.out;
  EXPECT_NE(WitnessRun(*server_, state, key).out.find("log: size 6: unchanged"), std::string::npos);
  // The held checkpoint carries the log's signature and the witness's cosignature; verify takes
  // the state dir as its checkpoints.
  std::string held = RunCommand("cat " + state + "/checkpoints/log").out;
  std::string witness_key = RunCommand("head -1 " + state + "/witness.pub").out;
  witness_key.pop_back();
  EXPECT_TRUE(OpenNote(held, witness_key).ok()) << held;
  CommandResult verified = RunCommand(BinDir() + "/wit-audit verify --data-dir " + data_ +
                                      " --checkpoint " + state + " --public-key " + key);
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;

  // Rewrite: drop the last record, and rebuild the view so witd signs the shorter tree.
  auto rewrite = [&](const std::function<void(rocksdb::DB*)>& edit) {
    server_.reset();
    EditLog(data_, edit);
    fs::remove_all(data_ + "/view");
    server_ = std::make_unique<WitdProcess>(data_);
    ASSERT_TRUE(server_->Start());
  };
  rewrite(
      [](rocksdb::DB* db) { ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), OffsetKey(5)).ok()); });
  ASSERT_TRUE(WaitForSize(*server_, 5));
  CommandResult shrank = WitnessRun(*server_, state, key);
  EXPECT_EQ(shrank.exit_code, 3) << shrank.out << shrank.err;
  EXPECT_NE(shrank.out.find("log: ALARM: the tree shrank: held size 6, offered size 5"),
            std::string::npos)
      << shrank.out;
  EXPECT_NE(shrank.err.find("evidence in " + state + "/evidence/"), std::string::npos)
      << shrank.err;
  // A different sixth record: a fork at the held size.
  alice = server_->UserSession("alice");
  ASSERT_EQ(Http(server_->port(), "POST", "/api/tokens", R"({"name":"w"})", alice).status, 201);
  ASSERT_TRUE(WaitForSize(*server_, 6));
  CommandResult fork = WitnessRun(*server_, state, key);
  EXPECT_EQ(fork.exit_code, 3);
  EXPECT_NE(fork.out.find("log: ALARM: a fork: another root, held size 6, offered size 6"),
            std::string::npos)
      << fork.out;
  // And grown past it: no consistency proof ties it to what the witness holds.
  ASSERT_EQ(Http(server_->port(), "POST", "/api/tokens", R"({"name":"x"})", alice).status, 201);
  ASSERT_TRUE(WaitForSize(*server_, 7));
  CommandResult rewritten = WitnessRun(*server_, state, key);
  EXPECT_EQ(rewritten.exit_code, 3);
  EXPECT_NE(rewritten.out.find("log: ALARM: history rewritten: the consistency proof does not "
                               "hold, held size 6, offered size 7"),
            std::string::npos)
      << rewritten.out;
  // The witness still holds the true checkpoint, and the evidence of each alarm.
  EXPECT_EQ(RunCommand("cat " + state + "/checkpoints/log").out, held);
  int evidence = 0;
  for (const auto& e : fs::directory_iterator(state + "/evidence")) {
    EXPECT_TRUE(fs::exists(e.path() / "held") && fs::exists(e.path() / "offered")) << e.path();
    ++evidence;
  }
  EXPECT_EQ(evidence, 3);
  CommandResult against = RunCommand(BinDir() + "/wit-audit verify --data-dir " + data_ +
                                     " --checkpoint " + state + " --public-key " + key);
  EXPECT_EQ(against.exit_code, 1) << against.out;
}

// On Kafka every partition is a stream with a tree and checkpoints of its own, witnessed and
// proven like the embedded log's.
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
  // A witness of every partition, and one event proven, on Kafka too.
  std::string pub = dir + "/log.pub";
  ASSERT_EQ(
      RunCommand(BinDir() + "/witd log public-key --data-dir " + dir + "/data > " + pub).exit_code,
      0);
  CommandResult witnessed = RunCommand(BinDir() + "/wit-audit witness --server " + witd.url() +
                                       " --state " + dir + "/witness --public-key " + pub);
  EXPECT_EQ(witnessed.exit_code, 0) << witnessed.out << witnessed.err;
  for (const Json& c : checkpoints) {
    std::string file = c.Str("stream");
    file.replace(file.rfind('/'), 1, "%2F");
    EXPECT_TRUE(fs::exists(dir + "/witness/checkpoints/" + file)) << file << "\n" << witnessed.out;
  }
  std::string used = RunCommand(BinDir() + "/wit-audit replay " + backend.AuditFlags() +
                                " --type used --format jsonl")
                         .out;
  std::string event_id = Json::Parse(used.substr(0, used.find('\n'))).Str("eventId");
  ASSERT_FALSE(event_id.empty()) << used;
  CommandResult proved =
      RunCommand(BinDir() + "/wit-audit prove " + backend.AuditFlags() + " --event-id " + event_id +
                 " --server " + witd.url() + " --out " + dir + "/used.proof");
  ASSERT_EQ(proved.exit_code, 0) << proved.err;
  CommandResult checked =
      RunCommand(BinDir() + "/wit-audit verify-proof " + dir + "/used.proof --public-key " + pub);
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_NE(checked.out.find(" of " + backend.usage_topic() + "/"), std::string::npos)
      << checked.out;
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

  // An admin of the cluster deletes a partition's oldest records (DeleteRecords): its saved
  // checkpoint no longer matches, and verify names the first record that is gone.
  std::string victim;
  for (const Json& c : checkpoints) {
    if (c.Int("size") >= 2) victim = c.Str("stream");
  }
  ASSERT_FALSE(victim.empty());
  std::string victim_topic = victim.substr(0, victim.rfind('/'));
  int32_t victim_partition = std::stoi(victim.substr(victim.rfind('/') + 1));
  ASSERT_EQ(DeleteRecordsBefore(backend.brokers(), victim_topic, victim_partition, 1), "");
  CommandResult deleted = RunCommand(verify);
  EXPECT_EQ(deleted.exit_code, 1) << deleted.out;
  EXPECT_NE(deleted.out.find(victim + ": "), std::string::npos) << deleted.out;
  EXPECT_NE(deleted.out.find("the log holds no record 0 (the next is 1)"), std::string::npos)
      << deleted.out;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wit::testing
