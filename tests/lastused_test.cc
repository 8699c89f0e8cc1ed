// Uses coalesced into <prefix>tokens.lastused on the real cluster (--coalesce-uses-ms): the
// nodes share the usage partitions as one consumer group, each applies lifecycle plus the
// coalesced uses, not every raw use, and their "Last Used" is the raw log's fold (wit-audit's),
// also after a rebuild from the topics.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "base/random.h"
#include "devkafka/mock_kafka_cluster.h"
#include "ledger/event_codec.h"
#include "tests/log_backend.h"
#include "tests/support/eventually.h"
#include "tests/test_json.h"
#include "tests/witd_process.h"

namespace wit::testing {
namespace {

double Metric(const WitdProcess& node, const std::string& series) {
  std::istringstream lines(Http(node.port(), "GET", "/metrics").body);
  for (std::string line; std::getline(lines, line);) {
    if (line.compare(0, series.size() + 1, series + " ") == 0) {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return -1;
}

// Fields holds what "Last Used" is made of, per token id, from a list of token objects.
std::map<std::string, std::string> LastUsed(const std::vector<Json>& tokens) {
  std::map<std::string, std::string> out;
  for (const Json& t : tokens) {
    std::string ips;
    for (const std::string& ip : t.Strings("lastUsedIps")) ips += ip + " ";
    out[t.Str("id")] = t.Str("lastUsedAt") + " " + ips;
  }
  return out;
}

// LastUsedTest runs on librdkafka's mock cluster ("kafka": its consumer groups too, and under
// the sanitizers) and on the real three-broker cluster ("real_kafka").
class LastUsedTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("lastused");
    prefix_ = "lu" + NewUuid().substr(0, 8) + ".";
    if (GetParam() == "kafka") {
      auto cluster = MockKafkaCluster::Start(1, 3, prefix_);  // lastused too (not compacted)
      ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
      mock_ = std::move(*cluster);
      brokers_ = mock_->Bootstraps();
      return;
    }
    brokers_ = RealKafkaBrokers();
    ASSERT_FALSE(brokers_.empty());
    CommandResult r = RunCommand(BinDir() + "/witd kafka create-topics --kafka-brokers " +
                                 brokers_ + " --partitions 3 --topic-prefix " + prefix_);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("created " + prefix_ + "tokens.lastused: 3 partitions"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("cleanup.policy=compact"), std::string::npos) << r.out;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<WitdProcess> StartNode(const std::string& name) {
    auto node = std::make_unique<WitdProcess>(
        dir_ + "/" + name,
        std::vector<std::string>{"--kafka-brokers", brokers_, "--topic-prefix", prefix_,
                                 "--session-secret-file", dir_ + "/session.key", "--event-key-file",
                                 dir_ + "/event.key", "--coalesce-uses-ms", "200"});
    EXPECT_TRUE(node->Start()) << "node " << name << " did not start; log " << node->log_path();
    return node;
  }

  // Audited returns wit-audit's fold of the raw topics, as token objects.
  std::vector<Json> Audited() {
    CommandResult r =
        RunCommand(BinDir() + "/wit-audit tokens --format json --kafka-brokers " + brokers_ +
                   " --topic-prefix " + prefix_ + " --event-key-file " + dir_ + "/event.key");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Json::Parse(r.out).Array("tokens");
  }

  std::unique_ptr<MockKafkaCluster> mock_;  // "kafka" only
  std::string brokers_, dir_, prefix_;
};

TEST_P(LastUsedTest, NodesApplyCoalescedUsesAndAgreeWithTheRawLogAlsoAfterARebuild) {
  auto a = StartNode("a");
  auto b = StartNode("b");
  // One consumer group: every usage partition is coalesced by exactly one of the two.
  ASSERT_TRUE(Eventually([&] {
    double pa = Metric(*a, "wit_lastused_partitions"), pb = Metric(*b, "wit_lastused_partitions");
    return pa >= 1 && pb >= 1 && pa + pb == 3;
  })) << a->log_path();

  std::string alice = a->UserSession("alice"), git = a->ServiceSession("git");
  std::vector<std::string> ids, plaintexts;
  for (int i = 0; i < 3; ++i) {
    Json t = Json::Parse(
        Http(a->port(), "POST", "/api/tokens", "{\"name\":\"t" + std::to_string(i) + "\"}", alice)
            .body);
    ids.push_back(t.Str("id"));
    plaintexts.push_back(t.Str("token"));
  }
  constexpr int kUses = 240;
  for (int i = 0; i < kUses; ++i) {
    WitdProcess& node = i % 2 ? *b : *a;
    std::string body =
        "{\"token\":\"" + plaintexts[i % 3] + "\",\"ip\":\"10.0.0." + std::to_string(i % 8) + "\"}";
    ASSERT_NE(
        Http(node.port(), "POST", "/api/tokens/verify", body, git).body.find("\"active\":true"),
        std::string::npos);
  }
  // A record on the usage topic that is no event: the coalescer skips and counts it.
  std::ofstream(dir_ + "/junk") << "{\"this is\": not json";
  ASSERT_EQ(
      RunCommand("kcat -P -b " + brokers_ + " -t " + prefix_ + "tokens.usage " + dir_ + "/junk")
          .exit_code,
      0);

  // Every node's "Last Used" is the fold of the raw log, addresses and all.
  std::map<std::string, std::string> audited;
  ASSERT_TRUE(Eventually([&] {
    audited = LastUsed(Audited());
    return Metric(*a, "wit_lastused_uses_read_total") +
               Metric(*b, "wit_lastused_uses_read_total") ==
           kUses + 1;
  })) << "the coalescers did not read every use";
  ASSERT_EQ(audited.size(), 3u);
  for (const auto& [id, last] : audited) EXPECT_NE(last.find("10.0.0."), std::string::npos);
  for (WitdProcess* node : {a.get(), b.get()}) {
    std::map<std::string, std::string> shown;
    EXPECT_TRUE(Eventually([&] {
      shown = LastUsed(
          Json::Parse(Http(node->port(), "GET", "/api/tokens", "", alice).body).Array("tokens"));
      return shown == audited;
    })) << "node on "
        << node->port();
    for (const auto& [id, last] : audited) EXPECT_EQ(shown[id], last) << id;
  }
  EXPECT_EQ(Metric(*a, "wit_lastused_skipped_total") + Metric(*b, "wit_lastused_skipped_total"), 1);

  // Each node applied the three creations and what the coalescers wrote, not every use.
  double written =
      Metric(*a, "wit_lastused_written_total") + Metric(*b, "wit_lastused_written_total");
  EXPECT_GT(written, 0);
  EXPECT_LT(written, kUses);
  for (WitdProcess* node : {a.get(), b.get()}) {
    EXPECT_TRUE(Eventually([&] {
      return Metric(*node, "wit_events_applied_total") == 3 + written;
    })) << Metric(*node, "wit_events_applied_total")
        << " applied, " << written << " written";
  }

  // The lastused topic: keyed "<tokenId>/<userId>/<ip>", every token's records in one partition.
  CommandResult records = RunCommand("kcat -C -q -e -b " + brokers_ + " -t " + prefix_ +
                                     "tokens.lastused -f '%p %k\\n'");
  ASSERT_EQ(records.exit_code, 0) << records.err;
  std::map<std::string, std::set<std::string>> partitions;  // token → partitions
  std::istringstream lines(records.out);
  size_t count = 0;
  for (std::string partition, key; lines >> partition >> key; ++count) {
    size_t slash = key.find('/');
    ASSERT_NE(slash, std::string::npos) << key;
    EXPECT_EQ(key.compare(slash, 14, "/alice/10.0.0."), 0) << key;
    partitions[key.substr(0, slash)].insert(partition);
  }
  EXPECT_EQ(count, static_cast<size_t>(written));
  EXPECT_EQ(partitions.size(), 3u);
  for (const auto& [token, in] : partitions) EXPECT_EQ(in.size(), 1u) << token;

  // A rebuild from the topics gives the same view.
  std::string before = Http(a->port(), "GET", "/api/tokens", "", alice).body;
  ASSERT_EQ(b->Stop(), 0);
  std::filesystem::remove_all(dir_ + "/b/view");
  b = StartNode("b");
  std::string rebuilt;
  EXPECT_TRUE(Eventually([&] {
    rebuilt = Http(b->port(), "GET", "/api/tokens", "", alice).body;
    return rebuilt == before;
  })) << "before: "
      << before << "\nrebuilt: " << rebuilt;
  EXPECT_EQ(a->Stop(), 0);
  EXPECT_EQ(b->Stop(), 0);
}

TEST_P(LastUsedTest, ANodeKilledMidwayHasItsPartitionsCoalescedByTheOthersAndNothingIsLost) {
  auto a = StartNode("a");
  auto b = StartNode("b");
  ASSERT_TRUE(Eventually([&] {
    return Metric(*a, "wit_lastused_partitions") + Metric(*b, "wit_lastused_partitions") == 3 &&
           Metric(*b, "wit_lastused_partitions") >= 1;
  }));
  std::string alice = a->UserSession("alice"), git = a->ServiceSession("git");
  std::vector<std::string> plaintexts;
  for (int i = 0; i < 6; ++i) {
    plaintexts.push_back(
        Json::Parse(Http(a->port(), "POST", "/api/tokens", "{\"name\":\"k\"}", alice).body)
            .Str("token"));
  }
  auto verify = [&](int from, int to) {
    for (int i = from; i < to; ++i) {
      std::string body = "{\"token\":\"" + plaintexts[i % 6] + "\",\"ip\":\"10.9.0." +
                         std::to_string(i % 4) + "\"}";
      ASSERT_NE(
          Http(a->port(), "POST", "/api/tokens/verify", body, git).body.find("\"active\":true"),
          std::string::npos);
    }
  };
  ASSERT_NO_FATAL_FAILURE(verify(0, 60));
  b->Kill();  // mid-interval: what it read and had not written or committed is read again
  ASSERT_NO_FATAL_FAILURE(verify(60, 120));
  // The group hands b's partitions to a once b's session times out.
  EXPECT_TRUE(Eventually([&] { return Metric(*a, "wit_lastused_partitions") == 3; }))
      << a->log_path();
  std::map<std::string, std::string> audited, shown;
  EXPECT_TRUE(Eventually([&] {
    audited = LastUsed(Audited());
    shown = LastUsed(
        Json::Parse(Http(a->port(), "GET", "/api/tokens", "", alice).body).Array("tokens"));
    return audited.size() == 6 && shown == audited;
  }));
  for (const auto& [id, last] : audited) EXPECT_EQ(shown[id], last) << id;
  EXPECT_EQ(a->Stop(), 0);
}

// A use that arrives late on the usage topic, older than one the partition's last owner wrote,
// is not written again by the next owner: compaction keeps the last record of each key, so it
// would take the newer record's place, and a node rebuilt from the topics would show an older
// lastUsedAt than the live ones.
TEST_P(LastUsedTest, ALateUseThatANewOwnerReadsDoesNotDisplaceANewerOne) {
  auto a = StartNode("a");
  ASSERT_TRUE(Eventually([&] { return Metric(*a, "wit_lastused_partitions") == 3; }));
  std::string alice = a->UserSession("alice"), git = a->ServiceSession("git");
  Json token =
      Json::Parse(Http(a->port(), "POST", "/api/tokens", "{\"name\":\"late\"}", alice).body);
  std::string id = token.Str("id");
  ASSERT_NE(Http(a->port(), "POST", "/api/tokens/verify",
                 "{\"token\":\"" + token.Str("token") + "\",\"ip\":\"10.7.0.1\"}", git)
                .body.find("\"active\":true"),
            std::string::npos);
  std::string last_used;
  ASSERT_TRUE(Eventually([&] {
    last_used =
        Json::Parse(Http(a->port(), "GET", "/api/tokens/" + id, "", alice).body).Str("lastUsedAt");
    return !last_used.empty() && Metric(*a, "wit_lastused_lag") == 0;
  }));
  EXPECT_EQ(Metric(*a, "wit_lastused_written_total"), 1);
  ASSERT_EQ(a->Stop(), 0);  // writes and commits what it read, and leaves the group

  // The same use a minute older, as a service whose message was delayed would publish it.
  CommandResult raw = RunCommand("kcat -C -q -e -b " + brokers_ + " -t " + prefix_ +
                                 "tokens.usage -f '%p\\t%k\\t%s\\n'");
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  std::istringstream fields(raw.out);
  std::string partition, key, payload;
  ASSERT_TRUE(std::getline(fields, partition, '\t') && std::getline(fields, key, '\t') &&
              std::getline(fields, payload));
  StatusOr<Event> use = DecodeEvent(payload);
  ASSERT_TRUE(use.ok()) << payload;
  Event late = *use;
  late.event_id = NewUuid();
  late.occurred_at -= 60000;
  std::ofstream(dir_ + "/late") << EncodeEvent(late);
  ASSERT_EQ(RunCommand("kcat -P -b " + brokers_ + " -t " + prefix_ + "tokens.usage -p " +
                       partition + " -k '" + key + "' " + dir_ + "/late")
                .exit_code,
            0);

  // A new node, with an empty view, takes every partition and reads the late use: it waits
  // until its view holds the newer use, and leaves the late one out.
  auto c = StartNode("c");
  EXPECT_TRUE(Eventually([&] {
    return Metric(*c, "wit_lastused_uses_read_total") == 1 &&
           Metric(*c, "wit_lastused_superseded_total") == 1 && Metric(*c, "wit_lastused_lag") == 0;
  })) << c->log_path();
  EXPECT_EQ(Metric(*c, "wit_lastused_written_total"), 0);
  EXPECT_EQ(
      Json::Parse(Http(c->port(), "GET", "/api/tokens/" + id, "", alice).body).Str("lastUsedAt"),
      last_used);
  // What compaction keeps of the key, its last record, is still the newer use.
  CommandResult kept = RunCommand("kcat -C -q -e -b " + brokers_ + " -t " + prefix_ +
                                  "tokens.lastused -f '%k\\t%s\\n'");
  ASSERT_EQ(kept.exit_code, 0) << kept.err;
  std::istringstream records(kept.out);
  std::vector<std::string> of_key;
  for (std::string k, v; std::getline(records, k, '\t') && std::getline(records, v);) {
    if (k == id + "/alice/10.7.0.1") of_key.push_back(v);
  }
  ASSERT_EQ(of_key.size(), 1u) << kept.out;
  StatusOr<Event> last = DecodeEvent(of_key.back());
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->event_id, use->event_id);
  EXPECT_EQ(c->Stop(), 0);
}

INSTANTIATE_TEST_SUITE_P(Clusters, LastUsedTest, ::testing::Values("kafka", "real_kafka"),
                         [](const auto& info) { return info.param; });

TEST(LastUsedFlagTest, CoalescingNeedsKafka) {
  std::string dir = MakeTempDir("lastused-flag");
  CommandResult r = RunCommand(BinDir() + "/witd serve --listen 127.0.0.1:0 --data-dir " + dir +
                               " --coalesce-uses-ms 1000");
  std::filesystem::remove_all(dir);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--coalesce-uses-ms needs --kafka-brokers"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace wit::testing
