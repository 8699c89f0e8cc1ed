// The ledger on Apache Kafka itself, where the mock cannot stand in: brokers killed under load,
// fewer in-sync replicas than the topics require, SASL/SCRAM with ACLs, topic settings that
// would lose events, and offsets looked up by time. Each test that harms its cluster starts a
// cluster of its own (scripts/kafka-cluster.sh); the others use the suites' shared one.
#include "tests/kafka_cluster.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "base/random.h"
#include "base/time_util.h"
#include "ledger/event_codec.h"
#include "ledger/kafka_admin.h"
#include "tests/log_backend.h"
#include "tests/support/acknowledged.h"
#include "tests/support/eventually.h"
#include "tests/test_json.h"
#include "tests/witd_process.h"

namespace wit::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Node runs witd on a cluster of the test's own, with the flags every node of it shares.
class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir("kafka-cluster-test"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // StartCluster starts the test's cluster and makes the topics (replication factor 3).
  void StartCluster(bool sasl = false) {
    auto c = KafkaCluster::Start(3, sasl);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cluster_ = std::move(*c);
    std::string admin = sasl ? " " + cluster_->SaslConfig("admin", "--kafka-config ") : "";
    CommandResult r = RunCommand(BinDir() + "/witd kafka create-topics --kafka-brokers " +
                                 cluster_->bootstrap() + " --partitions 3" + admin);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  std::vector<std::string> NodeArgs(const std::string& config = "") {
    std::vector<std::string> args = {"--kafka-brokers",       cluster_->bootstrap(),
                                     "--session-secret-file", dir_ + "/session.key",
                                     "--event-key-file",      dir_ + "/event.key"};
    std::istringstream words(config);
    for (std::string w; words >> w;) args.push_back(w);
    return args;
  }

  std::unique_ptr<WitdProcess> StartNode(const std::string& name, const std::string& config = "") {
    auto node = std::make_unique<WitdProcess>(dir_ + "/" + name, NodeArgs(config));
    EXPECT_TRUE(node->Start()) << "node " << name << " did not start; log " << node->log_path();
    return node;
  }

  std::string dir_;
  std::unique_ptr<KafkaCluster> cluster_;
};

// AuditEvents returns every event of both topics as wit-audit prints them (jsonl, as stored),
// checking MACs with `key`.
std::vector<Event> AuditEvents(const std::string& brokers, const std::string& key,
                               const std::string& config = "") {
  CommandResult r = RunCommand(BinDir() + "/wit-audit replay --format jsonl --kafka-brokers " +
                               brokers + " --event-key-file " + key + " " + config);
  EXPECT_EQ(r.err.find("wit-audit: warning"), std::string::npos)
      << "wit-audit skipped or could not check records of witd's: " << r.err;
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<Event> out;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    StatusOr<Event> e = DecodeEvent(line);
    EXPECT_TRUE(e.ok()) << line;
    if (e.ok()) out.push_back(std::move(*e));
  }
  return out;
}

TEST_F(ClusterTest, ABrokerKilledUnderLoadLosesNothingAcknowledgedAndAppliesNothingTwice) {
  ASSERT_NO_FATAL_FAILURE(StartCluster());
  auto a = StartNode("a");
  auto b = StartNode("b");
  std::string alice = a->UserSession("alice"), bob = a->UserSession("bob");
  std::string git = a->ServiceSession("git");
  std::atomic<bool> stop{false};
  Acknowledged ack;
  std::thread on_a(Load, a->port(), alice, git, 0, &stop, &ack, LoadMode::kBrokersMayFail);
  std::thread on_b(Load, b->port(), bob, git, 1, &stop, &ack, LoadMode::kBrokersMayFail);
  auto operations = [&] {
    std::lock_guard<std::mutex> lock(ack.mu);
    return ack.operations;
  };
  ASSERT_TRUE(Eventually([&] { return operations() >= 30; })) << "the load made no progress";

  // The broker leading most partitions of the two topics goes down hard, mid-load.
  std::map<int, int> leaders = cluster_->LeaderCounts("wit.tokens.lifecycle,wit.tokens.usage");
  int victim = 1;
  for (const auto& [id, n] : leaders) {
    if (n > leaders[victim]) victim = id;
  }
  ASSERT_TRUE(cluster_->Kill(victim));
  std::this_thread::sleep_for(std::chrono::seconds(8));  // the outage: load meets it for 8 s
  ASSERT_TRUE(cluster_->Restart(victim));
  int before = operations();
  bool recovered = Eventually([&] { return operations() >= before + 30; });
  stop = true;
  on_a.join();
  on_b.join();
  EXPECT_TRUE(recovered) << "the load made no progress once the broker was back";
  EXPECT_EQ(ack.other_errors, 0);
  std::printf(
      "killed broker %d (led %d partitions); acknowledged %zu creates, %zu revokes, "
      "%d 503s\n",
      victim, leaders[victim], ack.created.size(), ack.revoked.size(), ack.unavailable);

  // The log holds every acknowledged write, each event once.
  std::vector<Event> events = AuditEvents(cluster_->bootstrap(), dir_ + "/event.key");
  std::set<std::string> event_ids, created, revoked;
  std::map<std::string, int> allowed;
  for (const Event& e : events) {
    EXPECT_TRUE(event_ids.insert(e.event_id).second) << "event written twice: " << e.event_id;
    if (e.type == EventType::kCreated) {
      EXPECT_TRUE(created.insert(e.token_id).second) << "created twice: " << e.token_id;
    }
    if (e.type == EventType::kRevoked) revoked.insert(e.token_id);
    if (e.type == EventType::kUsed && e.outcome == "allowed") ++allowed[e.token_id];
  }
  for (const auto& [id, token] : ack.created)
    EXPECT_TRUE(created.count(id)) << "lost create " << id;
  for (const std::string& id : ack.revoked) EXPECT_TRUE(revoked.count(id)) << "lost revoke " << id;
  for (const auto& [id, n] : ack.allowed_uses) {
    EXPECT_GE(allowed[id], n) << "acknowledged verify without its token.used: " << id;
  }

  // Both nodes converge on one view, and it is the fold of the log.
  for (const std::string& session : {alice, bob}) {
    std::string on_a_all, on_b_all;
    EXPECT_TRUE(Eventually(
        [&] {
          on_a_all = Http(a->port(), "GET", "/api/tokens?status=all", "", session).body;
          on_b_all = Http(b->port(), "GET", "/api/tokens?status=all", "", session).body;
          return on_a_all == on_b_all;
        },
        std::chrono::seconds(30)))
        << "A: " << on_a_all << "\nB: " << on_b_all;
    for (const Json& t : Json::Parse(on_a_all).Array("tokens")) {
      EXPECT_TRUE(created.count(t.Str("id"))) << "a token the log does not hold: " << t.Str("id");
      EXPECT_EQ(t.Str("status") == "revoked", revoked.count(t.Str("id")) == 1) << t.Str("id");
    }
  }
  size_t listed = Json::Parse(Http(a->port(), "GET", "/api/tokens?status=all", "", alice).body)
                      .Array("tokens")
                      .size() +
                  Json::Parse(Http(a->port(), "GET", "/api/tokens?status=all", "", bob).body)
                      .Array("tokens")
                      .size();
  EXPECT_EQ(listed, created.size());
  EXPECT_EQ(a->Stop(), 0);
  EXPECT_EQ(b->Stop(), 0);
}

TEST_F(ClusterTest, BelowMinInsyncReplicasWritesAnswer503AndServiceResumesOnItsOwn) {
  ASSERT_NO_FATAL_FAILURE(StartCluster());
  auto node = StartNode("a", "--kafka-config message.timeout.ms=3000");
  std::string alice = node->UserSession("alice"), git = node->ServiceSession("git");
  HttpResponse c = Http(node->port(), "POST", "/api/tokens", "{\"name\":\"before\"}", alice);
  ASSERT_EQ(c.status, 201);
  std::string token = Json::Parse(c.body).Str("token");

  // Two of three brokers down: one in-sync replica, below min.insync.replicas=2.
  ASSERT_TRUE(cluster_->Kill(2));
  ASSERT_TRUE(cluster_->Kill(3));
  HttpResponse refused = Http(node->port(), "POST", "/api/tokens", "{\"name\":\"during\"}", alice);
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_FALSE(refused.retry_after.empty());
  HttpResponse v =
      Http(node->port(), "POST", "/api/tokens/verify", "{\"token\":\"" + token + "\"}", git);
  EXPECT_EQ(v.status, 503) << "sync verify must not answer unaudited: " << v.body;
  EXPECT_FALSE(Json::Parse(v.body).Bool("active"));

  ASSERT_TRUE(cluster_->Restart(2));
  ASSERT_TRUE(cluster_->Restart(3));
  EXPECT_TRUE(Eventually(
      [&] {
        return Http(node->port(), "POST", "/api/tokens", "{\"name\":\"after\"}", alice).status ==
               201;
      },
      std::chrono::seconds(60)));
  // A partition whose leader went away answers for its tokens again once this node knows its
  // view of it complete (--max-staleness-ms): a few seconds after the writes resume.
  EXPECT_TRUE(Eventually(
      [&] {
        v = Http(node->port(), "POST", "/api/tokens/verify", "{\"token\":\"" + token + "\"}", git);
        return v.status == 200 && Json::Parse(v.body).Bool("active");
      },
      std::chrono::seconds(30)))
      << v.status << " " << v.body;
  std::vector<Event> events = AuditEvents(cluster_->bootstrap(), dir_ + "/event.key");
  int during = 0;
  for (const Event& e : events) during += e.type == EventType::kCreated && e.name == "during";
  // A refused write may still have landed (at least once), but it is never acknowledged.
  EXPECT_LE(during, 1);
  EXPECT_EQ(node->Stop(), 0);
}

TEST_F(ClusterTest, AclsLetEachPrincipalDoItsJobAndNoMore) {
  ASSERT_NO_FATAL_FAILURE(StartCluster(/*sasl=*/true));
  std::string as_witd = cluster_->SaslConfig("witd", "--kafka-config ");
  auto node = StartNode("a", as_witd);
  std::string alice = node->UserSession("alice"), git = node->ServiceSession("git");
  HttpResponse c = Http(node->port(), "POST", "/api/tokens", "{\"name\":\"acl\"}", alice);
  ASSERT_EQ(c.status, 201) << c.body;
  Json t = Json::Parse(c.body);

  // svc-git publishes a use: allowed, and applied.
  Event use;
  use.type = EventType::kUsed;
  use.event_id = NewUuid();
  use.token_id = t.Str("id");
  use.user_id = "alice";
  use.occurred_at = 1795817820123;
  use.outcome = "allowed";
  use.service = "git";
  std::ofstream(dir_ + "/use.json") << EncodeEvent(use);
  std::string kcat_git = "kcat -P -b " + cluster_->bootstrap() + " " +
                         cluster_->SaslConfig("svc-git", "-X ") + " -k " + use.token_id;
  CommandResult ok = RunCommand(kcat_git + " -t wit.tokens.usage " + dir_ + "/use.json");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(Eventually(
      [&] {
        return Json::Parse(Http(node->port(), "GET", "/api/tokens/" + t.Str("id"), "", alice).body)
                   .Str("lastUsedAt") == "2026-11-27T22:17:00.123Z";
      },
      std::chrono::seconds(10)));
  // The same principal on the lifecycle topic is refused by the broker.
  CommandResult denied = RunCommand(kcat_git + " -t wit.tokens.lifecycle " + dir_ + "/use.json");
  EXPECT_NE(denied.exit_code, 0);
  EXPECT_NE(denied.err.find("authoriz"), std::string::npos) << denied.err;

  // wit-audit reads both topics as audit.
  std::vector<Event> events = AuditEvents(cluster_->bootstrap(), dir_ + "/event.key",
                                          cluster_->SaslConfig("audit", "--kafka-config "));
  bool saw_created = false, saw_use = false;
  for (const Event& e : events) {
    saw_created |= e.type == EventType::kCreated && e.token_id == t.Str("id");
    saw_use |= e.event_id == use.event_id;
  }
  EXPECT_TRUE(saw_created);
  EXPECT_TRUE(saw_use);
  EXPECT_EQ(node->Stop(), 0);

  // A wrong password is a clear start-up error naming the principal, never a hang.
  auto start = Clock::now();
  CommandResult wrong =
      RunCommand(BinDir() + "/witd serve --listen 127.0.0.1:0 --data-dir " + dir_ +
                 "/w --kafka-brokers " + cluster_->bootstrap() +
                 " --kafka-config security.protocol=SASL_PLAINTEXT --kafka-config "
                 "sasl.mechanisms=SCRAM-SHA-512 --kafka-config sasl.username=witd --kafka-config "
                 "sasl.password=wrong");
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.err.find("witd"), std::string::npos) << wrong.err;
  EXPECT_NE(wrong.err.find("uthentication"), std::string::npos) << wrong.err;
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(30));
}

// The checks that do not harm a cluster use the suites' shared one.
TEST(RealKafkaTest, ALifecycleTopicThatWouldDeleteEventsKeepsWitdFromStarting) {
  std::string brokers = RealKafkaBrokers();
  ASSERT_FALSE(brokers.empty());
  std::string prefix = "r" + NewUuid().substr(0, 8) + ".";
  // The topics made by hand, as an operator might: 7 days of retention on the lifecycle.
  StatusOr<KafkaAdmin> admin = KafkaAdmin::Open(brokers, {}, std::chrono::seconds(10));
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  std::vector<TopicSpec> specs = KafkaTopicSpecs(prefix, 3, 3);
  specs[0].config = {{"retention.ms", "604800000"}};
  specs[1].config = {};
  std::vector<std::string> report;
  ASSERT_TRUE(admin->CreateTopics(specs, &report).ok());
  std::string dir = MakeTempDir("retention");
  CommandResult r = RunCommand(BinDir() + "/witd serve --listen 127.0.0.1:0 --data-dir " + dir +
                               " --kafka-brokers " + brokers + " --topic-prefix " + prefix);
  std::filesystem::remove_all(dir);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find(prefix + "tokens.lifecycle has retention.ms=604800000"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("retention.ms=-1"), std::string::npos) << r.err;
  // create-topics says the same of the existing topics, and exits non-zero.
  CommandResult check = RunCommand(BinDir() + "/witd kafka create-topics --kafka-brokers " +
                                   brokers + " --topic-prefix " + prefix);
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_NE(check.err.find("retention.ms=604800000 (needs -1)"), std::string::npos) << check.err;
}

TEST(RealKafkaTest, ReplaySinceStartsAtTheOffsetsForThatTime) {
  LogBackend backend("real_kafka");
  std::string dir = MakeTempDir("since");
  // Records that are not events come first: a scan from the start would report them.
  std::ofstream(dir + "/junk") << "not an event";
  for (const std::string& topic : {backend.lifecycle_topic(), backend.usage_topic()}) {
    for (int p = 0; p < 3; ++p) {
      CommandResult r = RunCommand("kcat -P -b " + backend.brokers() + " -t " + topic + " -p " +
                                   std::to_string(p) + " " + dir + "/junk");
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  TimeMs since = NowMs();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  // Then a valid use on every partition: each has a record after `since` in its time index.
  Event use;
  use.type = EventType::kUsed;
  use.token_id = NewUuid();
  use.user_id = "alice";
  use.outcome = "allowed";
  for (const std::string& topic : {backend.lifecycle_topic(), backend.usage_topic()}) {
    for (int p = 0; p < 3; ++p) {
      use.event_id = NewUuid();
      use.occurred_at = NowMs();
      std::ofstream(dir + "/use") << EncodeEvent(use);
      CommandResult r = RunCommand("kcat -P -b " + backend.brokers() + " -t " + topic + " -p " +
                                   std::to_string(p) + " " + dir + "/use");
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }

  std::string replay = BinDir() + "/wit-audit replay --format jsonl " + backend.AuditFlags();
  CommandResult all = RunCommand(replay);
  EXPECT_NE(all.err.find("skipped 6 of "), std::string::npos) << all.err;
  // wit-audit looks the offsets up for --since less 5 minutes of slack: with --since more
  // than that past `since`, every partition's scan starts after the junk, so it never reads
  // (or reports) it, and the uses it does read are older than --since, so none is printed.
  CommandResult later =
      RunCommand(replay + " --since " + FormatRfc3339(since + TimeMs{5} * 60 * 1000 + 1));
  EXPECT_EQ(later.exit_code, 0) << later.err;
  EXPECT_EQ(later.err.find("not valid events"), std::string::npos) << later.err;
  EXPECT_TRUE(later.out.empty()) << later.out;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wit::testing
