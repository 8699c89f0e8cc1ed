// The ledger on Kafka: real Kafka clients (kcat) reading and writing the topics, several witd
// nodes on one cluster, broker faults, start-up errors and wit-devkafka itself.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "api/metrics.h"
#include "api/use_recorder.h"
#include "base/random.h"
#include "base/time_util.h"
#include "ledger/event_codec.h"
#include "ledger/kafka_event_log.h"
#include "tests/log_backend.h"
#include "tests/support/eventually.h"
#include "tests/test_json.h"
#include "tests/witd_process.h"
#include "token/token.h"

namespace wit::testing {
namespace {

using Clock = std::chrono::steady_clock;

// UseEvent is an allowed use of a fresh token id by `user`: fresh ids spread the events over
// the usage topic's partitions.
Event UseEvent(const std::string& user) {
  Event e;
  e.type = EventType::kUsed;
  e.event_id = NewUuid();
  e.occurred_at = NowMs();
  e.token_id = NewUuid();
  e.user_id = user;
  e.outcome = "allowed";
  return e;
}

// KafkaSuite runs witd nodes on one Kafka log: librdkafka's mock cluster ("kafka") or the
// real three-broker cluster ("real_kafka").
class KafkaSuite : public ::testing::Test {
 protected:
  explicit KafkaSuite(const std::string& kind) : backend_(kind) {}
  void SetUp() override {
    dir_ = MakeTempDir("kafka");
    ASSERT_TRUE(backend_.is_kafka());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<WitdProcess> StartNode(const std::string& name,
                                         std::vector<std::string> extra = {}) {
    std::vector<std::string> args = backend_.WitdArgs();
    args.insert(args.end(), {"--session-secret-file", dir_ + "/session.key"});
    args.insert(args.end(), extra.begin(), extra.end());
    auto node = std::make_unique<WitdProcess>(dir_ + "/" + name, args);
    EXPECT_TRUE(node->Start()) << "node " << name << " did not start; log " << node->log_path();
    return node;
  }

  // Kcat consumes one topic from the start to its end, one "key<TAB>payload" a line.
  std::vector<std::pair<std::string, std::string>> Kcat(const std::string& topic) {
    CommandResult r =
        RunCommand("kcat -C -b " + backend_.brokers() + " -t " + topic + " -e -q -f '%k\\t%s\\n'");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::pair<std::string, std::string>> out;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      size_t tab = line.find('\t');
      if (tab != std::string::npos) out.emplace_back(line.substr(0, tab), line.substr(tab + 1));
    }
    return out;
  }

  // KcatProduce publishes one record with kcat, as any Kafka client that may write `topic`
  // could; `header` ("name=value"), if given, goes on it as a record header.
  void KcatProduce(const std::string& topic, const std::string& key, const std::string& value,
                   const std::string& header = "") {
    std::string file = dir_ + "/produce.txt";
    std::ofstream(file) << value << "\n";
    std::string h = header.empty() ? "" : " -H '" + header + "'";
    CommandResult r = RunCommand("kcat -P -b " + backend_.brokers() + " -t " + topic + " -k '" +
                                 key + "'" + h + " " + file);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // Skipped returns wit_events_skipped_total{reason=...} from the node's /metrics.
  static int Skipped(WitdProcess& node, const std::string& reason) {
    std::string body = Http(node.port(), "GET", "/metrics").body;
    std::string series = "wit_events_skipped_total{reason=\"" + reason + "\"} ";
    size_t at = body.find(series);
    return at == std::string::npos ? -1 : std::stoi(body.substr(at + series.size()));
  }

  // Forged is a token.created for a token the attacker made: it names `user` and repo:admin.
  static Event Forged(const GeneratedToken& token, const std::string& user) {
    Event e;
    e.type = EventType::kCreated;
    e.event_id = NewUuid();
    e.token_id = NewUuid();
    e.user_id = user;
    e.occurred_at = NowMs();
    e.name = "self-made";
    e.prefix = token.prefix;
    e.token_hash = token.hash;
    e.scopes = {"repo:admin"};
    return e;
  }

  static Json CreateToken(WitdProcess& node, const std::string& session, const std::string& name) {
    HttpResponse r =
        Http(node.port(), "POST", "/api/tokens", "{\"name\":\"" + name + "\"}", session);
    EXPECT_EQ(r.status, 201) << r.body;
    return Json::Parse(r.body);
  }

  static Json Verify(WitdProcess& node, const std::string& service, const std::string& token) {
    HttpResponse r =
        Http(node.port(), "POST", "/api/tokens/verify", "{\"token\":\"" + token + "\"}", service);
    EXPECT_EQ(r.status, 200) << r.body;
    return Json::Parse(r.body);
  }

  LogBackend backend_;
  std::string dir_;
};

// KafkaTest runs on both the mock and the real cluster.
class KafkaTest : public KafkaSuite, public ::testing::WithParamInterface<std::string> {
 protected:
  KafkaTest() : KafkaSuite(GetParam()) {}
};

// KafkaMockTest injects faults only librdkafka's mock cluster can: brokers down on demand,
// produce errors, a fatal idempotence error.
class KafkaMockTest : public KafkaSuite {
 protected:
  KafkaMockTest() : KafkaSuite("kafka") {}
};

TEST_P(KafkaTest, KcatReadsEveryRecordAndEachMatchesItsSchema) {
  auto node = StartNode("a");
  std::string alice = node->UserSession("alice"), git = node->ServiceSession("git");
  Json t = CreateToken(*node, alice, "interop");
  EXPECT_TRUE(Verify(*node, git, t.Str("token")).Bool("active"));
  ASSERT_EQ(Http(node->port(), "DELETE", "/api/tokens/" + t.Str("id"), "", alice).status, 200);
  EXPECT_EQ(Verify(*node, git, t.Str("token")).Str("reason"), "revoked");

  auto lifecycle = Kcat(backend_.lifecycle_topic());
  auto usage = Kcat(backend_.usage_topic());
  ASSERT_EQ(lifecycle.size(), 2u);  // created, revoked: uses never go to this topic
  ASSERT_EQ(usage.size(), 2u);      // allowed, denied
  std::string jsonl = dir_ + "/records.jsonl";
  std::ofstream out(jsonl);
  for (const auto& records : {lifecycle, usage}) {
    for (const auto& [key, payload] : records) {
      EXPECT_EQ(key, t.Str("id")) << "record key is the tokenId";
      out << payload << "\n";
    }
  }
  out.close();
  CommandResult r = RunCommand("/usr/bin/python3 " WIT_SOURCE_DIR "/tests/validate_events.py " +
                               std::string(WIT_SOURCE_DIR) + "/schemas/events " + jsonl +
                               " --require token.created,token.revoked,token.used");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(node->Stop(), 0);
}

TEST_P(KafkaTest, AUseProducedByKcatShowsAsLastUsed) {
  auto node = StartNode("a");
  std::string alice = node->UserSession("alice");
  Json t = CreateToken(*node, alice, "service-published");
  Event used;
  used.type = EventType::kUsed;
  used.event_id = NewUuid();
  used.occurred_at = 1795817820123;
  used.token_id = t.Str("id");
  used.user_id = "alice";
  used.outcome = "allowed";
  used.service = "ci-runner";
  KcatProduce(backend_.usage_topic(), used.token_id, EncodeEvent(used));
  Json item;
  EXPECT_TRUE(Eventually([&] {
    item = Json::Parse(Http(node->port(), "GET", "/api/tokens/" + t.Str("id"), "", alice).body);
    return item.Str("lastUsedAt") == "2026-11-27T22:17:00.123Z";
  })) << "lastUsedAt is "
      << item.Str("lastUsedAt");
  EXPECT_EQ(node->Stop(), 0);
}

// Issue 11, part 1, with kcat as the attacker: whoever may write the usage topic (any service)
// or, through a misconfigured ACL, the lifecycle topic cannot create, revoke or move a token.
TEST_P(KafkaTest, ForgedRecordsOnEitherTopicAreSkippedAndCounted) {
  auto node = StartNode("a");
  std::string alice = node->UserSession("alice");
  std::string git = node->ServiceSession("git");
  Json t = CreateToken(*node, alice, "real");
  GeneratedToken on_usage = GenerateToken(), unsigned_token = GenerateToken(),
                 bad_mac = GenerateToken();
  // On the usage topic: a creation and a revocation.
  KcatProduce(backend_.usage_topic(), NewUuid(), EncodeEvent(Forged(on_usage, "alice")));
  Event revoke;
  revoke.type = EventType::kRevoked;
  revoke.event_id = NewUuid();
  revoke.token_id = t.Str("id");
  revoke.user_id = "alice";
  revoke.occurred_at = NowMs();
  revoke.revoked_by = "alice";
  KcatProduce(backend_.usage_topic(), revoke.token_id, EncodeEvent(revoke));
  // On the lifecycle topic: a creation without a MAC, one with a made-up MAC, and one with
  // the MAC of witd's own record for the real token, as kcat reads it off the topic.
  KcatProduce(backend_.lifecycle_topic(), NewUuid(), EncodeEvent(Forged(unsigned_token, "alice")));
  KcatProduce(backend_.lifecycle_topic(), NewUuid(), EncodeEvent(Forged(GenerateToken(), "alice")),
              "wit-mac=v1:00000000:" + std::string(64, 'a'));
  CommandResult headers = RunCommand("kcat -C -b " + backend_.brokers() + " -t " +
                                     backend_.lifecycle_topic() + " -e -q -f '%k %h\\n'");
  size_t at = headers.out.find(t.Str("id") + " wit-mac=v1:");
  ASSERT_NE(at, std::string::npos) << "witd's record has no MAC header: " << headers.out;
  at += t.Str("id").size() + 1;
  std::string copied = headers.out.substr(at, headers.out.find('\n', at) - at);
  KcatProduce(backend_.lifecycle_topic(), NewUuid(), EncodeEvent(Forged(bad_mac, "alice")), copied);
  // A use naming another user than the token's owner.
  Event use;
  use.type = EventType::kUsed;
  use.event_id = NewUuid();
  use.token_id = t.Str("id");
  use.user_id = "mallory";
  use.occurred_at = NowMs() + 3'600'000;
  use.outcome = "allowed";
  KcatProduce(backend_.usage_topic(), use.token_id, EncodeEvent(use));

  EXPECT_TRUE(Eventually([&] {
    return Skipped(*node, "wrong_stream") == 2 && Skipped(*node, "unsigned") == 1 &&
           Skipped(*node, "other_key") == 1 && Skipped(*node, "bad_mac") == 1 &&
           Skipped(*node, "foreign_user") == 1;
  })) << Http(node->port(), "GET", "/metrics").body;
  for (const GeneratedToken* forged : {&on_usage, &unsigned_token, &bad_mac}) {
    Json v = Verify(*node, git, forged->plaintext);
    EXPECT_FALSE(v.Bool("active"));
    EXPECT_EQ(v.Str("reason"), "unknown");
  }
  Json list = Json::Parse(Http(node->port(), "GET", "/api/tokens?status=all", "", alice).body);
  ASSERT_EQ(list.Array("tokens").size(), 1u);
  EXPECT_EQ(list.Array("tokens")[0].Str("id"), t.Str("id"));
  Json item = Json::Parse(Http(node->port(), "GET", "/api/tokens/" + t.Str("id"), "", alice).body);
  EXPECT_EQ(item.Str("status"), "active");
  EXPECT_TRUE(item.IsNull("lastUsedAt")) << "mallory's use moved lastUsedAt";
  EXPECT_TRUE(Verify(*node, git, t.Str("token")).Bool("active"));

  // wit-audit, given the event key, shows what witd applied and says what it skipped.
  CommandResult audit = RunCommand(BinDir() + "/wit-audit replay --format jsonl " +
                                   backend_.AuditFlags() + " --type created,revoked");
  EXPECT_EQ(audit.exit_code, 0) << audit.err;
  EXPECT_EQ(std::count(audit.out.begin(), audit.out.end(), '\n'), 1) << audit.out;
  EXPECT_NE(audit.out.find(t.Str("id")), std::string::npos);
  EXPECT_NE(audit.err.find("skipped 5 records that witd does not apply (wrong_stream 2, "
                           "unsigned 1, bad_mac 1, other_key 1)"),
            std::string::npos)
      << audit.err;
  CommandResult keyless = RunCommand(BinDir() + "/wit-audit replay --format jsonl " +
                                     backend_.KafkaFlags() + " --type created");
  EXPECT_NE(keyless.err.find("without checking their MAC"), std::string::npos) << keyless.err;

  // A use of a revoked token leaves it revoked.
  ASSERT_EQ(Http(node->port(), "DELETE", "/api/tokens/" + t.Str("id"), "", alice).status, 200);
  use.user_id = "alice";
  use.event_id = NewUuid();
  KcatProduce(backend_.usage_topic(), use.token_id, EncodeEvent(use));
  EXPECT_TRUE(Eventually([&] {
    item = Json::Parse(Http(node->port(), "GET", "/api/tokens/" + t.Str("id"), "", alice).body);
    return !item.IsNull("lastUsedAt");
  }));
  EXPECT_EQ(item.Str("status"), "revoked");
  EXPECT_EQ(Verify(*node, git, t.Str("token")).Str("reason"), "revoked");
  EXPECT_EQ(node->Stop(), 0);
}

// Records from before signing are accepted up to the offsets the operator recorded with `witd
// kafka lifecycle-end`, and no further.
TEST_P(KafkaTest, UnsignedLifecycleRecordsCountOnlyBelowTheRecordedEnd) {
  GeneratedToken before = GenerateToken(), after = GenerateToken();
  Event old = Forged(before, "alice");
  old.name = "from-before";
  KcatProduce(backend_.lifecycle_topic(), old.token_id, EncodeEvent(old));
  CommandResult end = RunCommand(BinDir() + "/witd kafka lifecycle-end " + backend_.KafkaFlags());
  ASSERT_EQ(end.exit_code, 0) << end.err;
  std::string positions = end.out.substr(0, end.out.find('\n'));
  EXPECT_NE(positions.find(backend_.lifecycle_topic() + "/"), std::string::npos) << positions;
  KcatProduce(backend_.lifecycle_topic(), NewUuid(), EncodeEvent(Forged(after, "alice")));

  auto node = StartNode("a", {"--accept-unsigned-before", positions});
  std::string git = node->ServiceSession("git");
  EXPECT_TRUE(Eventually([&] { return Skipped(*node, "unsigned") == 1; }));
  EXPECT_TRUE(Verify(*node, git, before.plaintext).Bool("active"));
  EXPECT_EQ(Verify(*node, git, after.plaintext).Str("reason"), "unknown");
  EXPECT_EQ(node->Stop(), 0);
  // A node without the flag accepts neither.
  auto strict = StartNode("b");
  EXPECT_TRUE(Eventually([&] { return Skipped(*strict, "unsigned") == 2; }));
  EXPECT_EQ(Verify(*strict, strict->ServiceSession("git"), before.plaintext).Str("reason"),
            "unknown");
  EXPECT_EQ(strict->Stop(), 0);

  // Positions that are no lifecycle partition, or lie past one's end, are refused: they would
  // accept unsigned records witd never wrote.
  std::string serve = BinDir() + "/witd serve --listen 127.0.0.1:0 --data-dir " + dir_ + "/c " +
                      backend_.KafkaFlags() + " --accept-unsigned-before ";
  CommandResult past = RunCommand(serve + backend_.lifecycle_topic() + "/0=999999");
  EXPECT_NE(past.exit_code, 0);
  EXPECT_NE(past.err.find("lies past the partition's end"), std::string::npos) << past.err;
  CommandResult usage = RunCommand(serve + backend_.usage_topic() + "/0=0");
  EXPECT_NE(usage.exit_code, 0);
  EXPECT_NE(usage.err.find("not a partition of the lifecycle topic"), std::string::npos)
      << usage.err;
}

TEST_P(KafkaTest, MalformedAndUnknownRecordsAreSkippedCountedAndServingGoesOn) {
  auto node = StartNode("a");
  KcatProduce(backend_.usage_topic(), "junk", "{\"this is\": not json");
  KcatProduce(backend_.lifecycle_topic(), NewUuid(),
              "{\"schemaVersion\":1,\"type\":\"token.transferred\",\"eventId\":\"" + NewUuid() +
                  "\",\"occurredAt\":\"2026-11-27T22:17:00.000Z\",\"tokenId\":\"" + NewUuid() +
                  "\",\"userId\":\"alice\"}");
  EXPECT_TRUE(Eventually([&] { return Skipped(*node, "malformed") == 2; }))
      << Http(node->port(), "GET", "/metrics").body;
  std::string alice = node->UserSession("alice");
  Json t = CreateToken(*node, alice, "still-serving");
  EXPECT_TRUE(Verify(*node, node->ServiceSession("git"), t.Str("token")).Bool("active"));
  EXPECT_EQ(node->Stop(), 0);
}

TEST_P(KafkaTest, TwoNodesShareOneLedger) {
  auto a = StartNode("a");
  auto b = StartNode("b");
  std::string alice = a->UserSession("alice"), git = a->ServiceSession("git");
  Json t = CreateToken(*a, alice, "shared");
  EXPECT_TRUE(Eventually([&] { return Verify(*b, git, t.Str("token")).Bool("active"); }))
      << "a token created on A verifies on B";

  // A use on B shows as lastUsedAt on A.
  Json on_a;
  EXPECT_TRUE(Eventually([&] {
    on_a = Json::Parse(Http(a->port(), "GET", "/api/tokens/" + t.Str("id"), "", alice).body);
    return !on_a.IsNull("lastUsedAt");
  }));

  // A revocation on A is refused on B within a second.
  ASSERT_EQ(Http(a->port(), "DELETE", "/api/tokens/" + t.Str("id"), "", alice).status, 200);
  auto revoked_at = Clock::now();
  EXPECT_TRUE(Eventually([&] { return Verify(*b, git, t.Str("token")).Str("reason") == "revoked"; },
                         std::chrono::seconds(5)));
  auto lag = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - revoked_at);
  EXPECT_LT(lag.count(), 1000) << "revocation took " << lag.count() << " ms to reach B";

  // A node started late catches up and answers the same.
  Json second = CreateToken(*b, alice, "made-on-b");
  auto c = StartNode("c");  // Start waits for /readyz: caught up with the log at start
  std::string all_a = Http(a->port(), "GET", "/api/tokens?status=all", "", alice).body;
  std::string all_c;
  EXPECT_TRUE(Eventually([&] {
    all_c = Http(c->port(), "GET", "/api/tokens?status=all", "", alice).body;
    return all_c == all_a;
  })) << "A: "
      << all_a << "\nC: " << all_c;
  EXPECT_EQ(Verify(*c, git, second.Str("token")).Bool("active"), true);

  // B restarted with an empty view rebuilds it from the topics.
  ASSERT_EQ(b->Stop(), 0);
  std::filesystem::remove_all(dir_ + "/b/view");
  b = StartNode("b");
  std::string all_b;
  EXPECT_TRUE(Eventually(
      [&] {
        all_a = Http(a->port(), "GET", "/api/tokens?status=all", "", alice).body;
        all_b = Http(b->port(), "GET", "/api/tokens?status=all", "", alice).body;
        return all_b == all_a;
      },
      std::chrono::seconds(20)))
      << "A: " << all_a << "\nB: " << all_b << "\n"
      << Http(b->port(), "GET", "/metrics").body;
  EXPECT_EQ(Verify(*b, git, t.Str("token")).Str("reason"), "revoked");
  for (auto* node : {a.get(), b.get(), c.get()}) EXPECT_EQ(node->Stop(), 0);
}

TEST_P(KafkaTest, RotationOnOneNodeAndItsReuseOnAnotherRevokeTheFamilyEverywhere) {
  auto a = StartNode("a");
  auto b = StartNode("b");
  std::string alice = a->UserSession("alice"), git = a->ServiceSession("git");
  Json old = CreateToken(*a, alice, "deploy");
  HttpResponse rotated =
      Http(a->port(), "POST", "/api/tokens/" + old.Str("id") + "/rotate", "{}", alice);
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  Json fresh = Json::Parse(rotated.body);
  EXPECT_EQ(fresh.Str("rotatedFrom"), old.Str("id"));
  EXPECT_TRUE(Eventually([&] { return Verify(*b, git, fresh.Str("token")).Bool("active"); }))
      << "the new token verifies on B";
  EXPECT_EQ(Verify(*b, git, old.Str("token")).Str("reason"), "revoked");

  // The old token presented to B for a rotation: a reuse. B revokes the family, and A refuses
  // the successor too.
  HttpResponse reuse = Http(b->port(), "POST", "/api/tokens/self/rotate", "", old.Str("token"));
  EXPECT_EQ(reuse.status, 401) << reuse.body;
  EXPECT_EQ(Verify(*b, git, fresh.Str("token")).Str("reason"), "revoked");
  EXPECT_TRUE(
      Eventually([&] { return Verify(*a, git, fresh.Str("token")).Str("reason") == "revoked"; },
                 std::chrono::seconds(5)));
  Json on_a = Json::Parse(Http(a->port(), "GET", "/api/tokens/" + fresh.Str("id"), "", alice).body);
  EXPECT_EQ(on_a.Str("revokedReason"), "reuse_detected");

  // A limit set on A holds on B.
  HttpResponse limited = Http(a->port(), "POST", "/api/tokens",
                              "{\"name\":\"ci\",\"allowedIps\":[\"10.0.0.0/8\"]}", alice);
  ASSERT_EQ(limited.status, 201) << limited.body;
  std::string token = Json::Parse(limited.body).Str("token");
  auto verify_from = [&](const std::string& ip) {
    return Json::Parse(Http(b->port(), "POST", "/api/tokens/verify",
                            "{\"token\":\"" + token + "\",\"ip\":\"" + ip + "\"}", git)
                           .body);
  };
  EXPECT_TRUE(Eventually([&] { return verify_from("10.2.3.4").Bool("active"); }));
  EXPECT_EQ(verify_from("192.0.2.1").Str("reason"), "ip_not_allowed");
  for (auto* node : {a.get(), b.get()}) EXPECT_EQ(node->Stop(), 0);
}

TEST_F(KafkaMockTest, BrokerOutageGives503ThenEverythingRecoversWithoutRestart) {
  auto sync_node = StartNode("sync", {"--kafka-config", "message.timeout.ms=2000"});
  // The async node buffers uses through the whole outage; its bound on staleness is set past
  // the outage, which staleness_test.cc's own cases cut short.
  auto async_node = StartNode("async", {"--use-audit", "async", "--kafka-config",
                                        "message.timeout.ms=2000", "--max-staleness-ms", "60000"});
  std::string alice = sync_node->UserSession("alice"), git = sync_node->ServiceSession("git");
  Json before = CreateToken(*sync_node, alice, "before-outage");
  ASSERT_TRUE(
      Eventually([&] { return Verify(*async_node, git, before.Str("token")).Bool("active"); }));
  size_t uses_before = Kcat(backend_.usage_topic()).size();

  backend_.cluster()->SetBrokersDown();
  auto started = Clock::now();
  HttpResponse create =
      Http(sync_node->port(), "POST", "/api/tokens", "{\"name\":\"during-outage\"}", alice);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  EXPECT_EQ(create.status, 503) << create.body;
  EXPECT_NE(Json::Parse(create.body).Object("error").Str("message").find("event log"),
            std::string::npos)
      << create.body;
  EXPECT_FALSE(create.retry_after.empty());
  EXPECT_LT(took.count(), 10000) << "a write must fail within a bounded time";
  EXPECT_EQ(Http(sync_node->port(), "DELETE", "/api/tokens/" + before.Str("id"), "", alice).status,
            503);
  HttpResponse sync_verify = Http(sync_node->port(), "POST", "/api/tokens/verify",
                                  "{\"token\":\"" + before.Str("token") + "\"}", git);
  EXPECT_EQ(sync_verify.status, 503) << "sync audit never answers an unaudited active:true";
  // Metrics matter most in an outage: they answer at once, with the lag last known.
  started = Clock::now();
  HttpResponse metrics = Http(sync_node->port(), "GET", "/metrics");
  took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("\nwit_projector_lag_events 0\n"), std::string::npos) << metrics.body;
  EXPECT_LT(took.count(), 10000) << "/metrics must answer within a bounded time";

  constexpr int kAsyncUses = 25;
  for (int i = 0; i < kAsyncUses; ++i) {
    EXPECT_TRUE(Verify(*async_node, git, before.Str("token")).Bool("active"));
  }

  backend_.cluster()->SetBrokersUp();
  Json after;
  std::string last_error;
  EXPECT_TRUE(Eventually(
      [&] {
        HttpResponse r =
            Http(sync_node->port(), "POST", "/api/tokens", "{\"name\":\"after-outage\"}", alice);
        if (r.status == 201) after = Json::Parse(r.body);
        last_error = std::to_string(r.status) + " " + r.body;
        return r.status == 201;
      },
      std::chrono::seconds(30)))
      << "writes work again without restarting witd; last answer " << last_error << "\n"
      << RunCommand("tail -c 1500 " + sync_node->log_path()).out
      << Http(sync_node->port(), "GET", "/metrics").body;
  // Checks answer once the node knows its view complete again (--max-staleness-ms), which may
  // be a moment after writes resume.
  EXPECT_TRUE(Eventually(
      [&] {
        HttpResponse r = Http(sync_node->port(), "POST", "/api/tokens/verify",
                              "{\"token\":\"" + after.Str("token") + "\"}", git);
        return r.status == 200 && Json::Parse(r.body).Bool("active");
      },
      std::chrono::seconds(30)));
  ASSERT_EQ(Http(sync_node->port(), "DELETE", "/api/tokens/" + before.Str("id"), "", alice).status,
            200);

  // Every buffered async use arrives once the brokers are back.
  EXPECT_TRUE(Eventually(
      [&] {
        size_t n = 0;
        for (const auto& [key, payload] : Kcat(backend_.usage_topic()))
          n += key == before.Str("id");
        return n >= uses_before + kAsyncUses;
      },
      std::chrono::seconds(30)));

  // Nothing half-done: the refused create never appears; acknowledged ones appear once.
  Json list = Json::Parse(Http(sync_node->port(), "GET", "/api/tokens?status=all", "", alice).body);
  std::vector<std::string> names;
  for (const Json& t : list.Array("tokens")) names.push_back(t.Str("name"));
  EXPECT_EQ(names, (std::vector<std::string>{"after-outage", "before-outage"}));
  EXPECT_EQ(sync_node->Stop(), 0);
  EXPECT_EQ(async_node->Stop(), 0);
}

TEST_F(KafkaMockTest, TransientProduceErrorsAreRetriedWithoutDuplicates) {
  auto node = StartNode("a");
  std::string alice = node->UserSession("alice"), git = node->ServiceSession("git");
  // Retriable broker errors, then a dropped connection: the idempotent producer retries and
  // the write is acknowledged once.
  backend_.cluster()->FailNextProduces(3, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS);
  Json t = CreateToken(*node, alice, "retried");
  backend_.cluster()->FailNextProduces(1, RD_KAFKA_RESP_ERR__TRANSPORT);
  EXPECT_TRUE(Verify(*node, git, t.Str("token")).Bool("active"));
  ASSERT_EQ(Http(node->port(), "DELETE", "/api/tokens/" + t.Str("id"), "", alice).status, 200);
  Json list = Json::Parse(Http(node->port(), "GET", "/api/tokens?status=all", "", alice).body);
  ASSERT_EQ(list.Array("tokens").size(), 1u);
  EXPECT_EQ(list.Array("tokens")[0].Str("status"), "revoked");
  // The mock does not deduplicate retried produces, so the topic may hold a record twice; the
  // view folds duplicates away (ApplyEvent is idempotent), which is what this checks.
  size_t created = 0;
  for (const auto& [key, payload] : Kcat(backend_.lifecycle_topic())) {
    created += payload.find("\"token.created\"") != std::string::npos;
  }
  EXPECT_GE(created, 1u);
  EXPECT_EQ(node->Stop(), 0);
}

TEST_F(KafkaMockTest, AnAsyncUseBatchWrittenInPartIsRetriedWithoutWritingAnyUseTwice) {
  // One usage partition loses its leader: the uses keyed to it fail once message.timeout.ms
  // passes, while those on the other partitions are written. The recorder must retry only the
  // failed ones (the mock cluster would keep a resent record twice).
  KafkaEventLogOptions options;
  options.brokers = backend_.brokers();
  options.extra = {{"message.timeout.ms", "1000"}};
  auto log = KafkaEventLog::Open(options);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  backend_.cluster()->SetPartitionLeader(backend_.usage_topic(), 0, -1);
  Metrics metrics;
  UseRecorder recorder(log->get(), UseRecorder::Mode::kAsync, &metrics);
  constexpr size_t kUses = 60;
  for (size_t i = 0; i < kUses; ++i) ASSERT_TRUE(recorder.Record(UseEvent("alice")).ok());
  // The first attempt writes what it can; the rest stays queued for the leaderless partition.
  ASSERT_TRUE(Eventually([&] { return recorder.queued() > 0 && recorder.queued() < kUses; },
                         std::chrono::seconds(30)))
      << recorder.queued() << " uses queued";
  backend_.cluster()->SetPartitionLeader(backend_.usage_topic(), 0, 1);
  ASSERT_TRUE(Eventually([&] { return recorder.queued() == 0; }, std::chrono::seconds(30)));
  recorder.Stop();
  std::map<std::string, int> copies;
  for (const auto& [key, payload] : Kcat(backend_.usage_topic())) {
    auto event = DecodeEvent(payload);
    ASSERT_TRUE(event.ok()) << payload;
    ++copies[event->event_id];
  }
  EXPECT_EQ(copies.size(), kUses);
  for (const auto& [id, n] : copies) {
    EXPECT_EQ(n, 1) << "use " << id << " was written " << n << " times";
  }
}

TEST_F(KafkaMockTest, AProducerThatFailsForGoodIsReplacedAndWritesGoOn) {
  // An idempotent producer that meets a fatal error refuses every later write. The log makes
  // a new one: the write that met the error fails, the next ones are written, nothing twice.
  KafkaEventLogOptions options;
  options.brokers = backend_.brokers();
  auto log = KafkaEventLog::Open(options);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_TRUE((*log)->Append(UseEvent("before")).ok());
  (*log)->TriggerFatalErrorForTesting();
  StatusOr<LogPosition> refused = (*log)->Append(UseEvent("refused"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kUnavailable) << refused.status().ToString();
  EXPECT_EQ((*log)->producer_restarts(), 1u);
  for (int i = 0; i < 5; ++i) {
    StatusOr<LogPosition> after = (*log)->Append(UseEvent("after"));
    EXPECT_TRUE(after.ok()) << after.status().ToString();
  }
  std::vector<bool> durable;
  EXPECT_TRUE((*log)->AppendBatch({UseEvent("after"), UseEvent("after")}, &durable).ok());
  EXPECT_EQ((*log)->producer_restarts(), 1u);
  std::map<std::string, int> by_user;
  for (const auto& [key, payload] : Kcat(backend_.usage_topic())) {
    auto event = DecodeEvent(payload);
    ASSERT_TRUE(event.ok()) << payload;
    ++by_user[event->user_id];
  }
  EXPECT_EQ(by_user, (std::map<std::string, int>{{"after", 7}, {"before", 1}}));
}

TEST_P(KafkaTest, StartupErrorsSayWhatToFix) {
  CommandResult down = RunCommand(BinDir() + "/witd serve --listen 127.0.0.1:0 --data-dir " + dir_ +
                                  "/x --kafka-brokers 127.0.0.1:1 --kafka-config "
                                  "socket.connection.setup.timeout.ms=1000");
  EXPECT_NE(down.exit_code, 0);
  EXPECT_NE(down.err.find("cannot reach the Kafka brokers at 127.0.0.1:1"), std::string::npos)
      << down.err;
  CommandResult missing =
      RunCommand(BinDir() + "/witd serve --listen 127.0.0.1:0 --data-dir " + dir_ +
                 "/y --kafka-brokers " + backend_.brokers() + " --topic-prefix nope.");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("nope.tokens.lifecycle does not exist"), std::string::npos)
      << missing.err;
  CommandResult bad =
      RunCommand(BinDir() + "/witd serve --listen 127.0.0.1:0 --data-dir " + dir_ + "/z " +
                 backend_.KafkaFlags() + " --kafka-config no.such.setting=1");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("no.such.setting"), std::string::npos) << bad.err;
}

INSTANTIATE_TEST_SUITE_P(Clusters, KafkaTest, ::testing::Values("kafka", "real_kafka"),
                         [](const auto& info) { return info.param; });

TEST(DevKafkaTest, PrintsBootstrapsFirstAndStopsOnSigterm) {
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  std::string bin = BinDir() + "/wit-devkafka";
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    execl(bin.c_str(), bin.c_str(), "--partitions", "2", "--topic-prefix", "dev.",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  std::string line;
  char c;
  while (read(out[0], &c, 1) == 1 && c != '\n') line.push_back(c);
  EXPECT_NE(line.find("127.0.0.1:"), std::string::npos) << line;
  CommandResult meta = RunCommand("kcat -L -b " + line + " -t dev.tokens.lifecycle");
  EXPECT_NE(meta.out.find("2 partitions"), std::string::npos) << meta.out << meta.err;
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  close(out[0]);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace wit::testing
