// Bad input of every kind gets its 4xx with a JSON error; the server stays up and nothing is
// written to the event log.
#include <Poco/Timestamp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "base/random.h"
#include "ledger/embedded_event_log.h"
#include "ledger/event_codec.h"
#include "ledger/kafka_event_log.h"
#include "tests/log_backend.h"
#include "tests/support/eventually.h"
#include "tests/support/jwt.h"
#include "tests/test_json.h"
#include "tests/witd_process.h"
#include "token/token.h"

namespace wit::testing {
namespace {

struct BadRequest {
  std::string what;
  std::string method;
  std::string path;
  std::string body;
  std::string auth;  // "alice", "git" or a raw Authorization header value
  int status;
};

class BadInputTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("badinput");
    witd_ = std::make_unique<WitdProcess>(dir_ + "/data", backend_.WitdArgs());
    ASSERT_TRUE(witd_->Start());
  }
  void TearDown() override {
    witd_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Sign makes a session with the server's own key unless `key` is given.
  std::string Sign(const std::string& claim, const std::string& name, int64_t exp_offset,
                   std::string key = "") {
    if (key.empty()) {
      std::ifstream in(dir_ + "/data/session.key", std::ios::binary);
      std::ostringstream s;
      s << in.rdbuf();
      key = s.str();
    }
    return SignSession(key, claim, name, -3600, exp_offset);
  }

  LogBackend backend_{GetParam()};
  std::string dir_;
  std::unique_ptr<WitdProcess> witd_;
};

std::string AlgNoneSession() {
  // {"alg":"none","typ":"JWT"} . {"sub":"alice","iat":1,"exp":9999999999} . (no signature)
  return "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."
         "eyJzdWIiOiJhbGljZSIsImlhdCI6MSwiZXhwIjo5OTk5OTk5OTk5fQ.";
}

TEST_P(BadInputTest, EveryBadRequestGetsItsStatusAndNothingIsWritten) {
  const std::string alice = witd_->UserSession("alice");
  const std::string git = witd_->ServiceSession("git");
  const std::string root = witd_->AdminSession("root");
  const std::string id = "6f1c2a3e-1111-4aaa-8bbb-123456789abc";
  const std::string token = "wit_AAAAAAAA_" + std::string(38, 'A');
  std::vector<BadRequest> cases = {
      {"malformed JSON", "POST", "/api/tokens", "{", "alice", 400},
      {"truncated JSON", "POST", "/api/tokens", "{\"name\":\"ci", "alice", 400},
      {"empty body", "POST", "/api/tokens", "", "alice", 400},
      {"array body", "POST", "/api/tokens", "[]", "alice", 400},
      {"string body", "POST", "/api/tokens", "\"ci\"", "alice", 400},
      {"null body", "POST", "/api/tokens", "null", "alice", 400},
      {"missing name", "POST", "/api/tokens", "{}", "alice", 400},
      {"name not a string", "POST", "/api/tokens", "{\"name\":5}", "alice", 400},
      {"scopes not an array", "POST", "/api/tokens", "{\"name\":\"a\",\"scopes\":\"repo:read\"}",
       "alice", 400},
      {"scope not a string", "POST", "/api/tokens", "{\"name\":\"a\",\"scopes\":[1]}", "alice",
       400},
      {"unknown scope", "POST", "/api/tokens", "{\"name\":\"a\",\"scopes\":[\"repo:destroy\"]}",
       "alice", 400},
      {"empty scopes", "POST", "/api/tokens", "{\"name\":\"a\",\"scopes\":[]}", "alice", 400},
      {"name of 0 chars", "POST", "/api/tokens", "{\"name\":\"\"}", "alice", 400},
      {"name of 101 chars", "POST", "/api/tokens", "{\"name\":\"" + std::string(101, 'x') + "\"}",
       "alice", 400},
      {"name with a control char", "POST", "/api/tokens", "{\"name\":\"a\\u0007b\"}", "alice", 400},
      {"name with a newline", "POST", "/api/tokens", "{\"name\":\"a\\nb\"}", "alice", 400},
      {"expiresInDays 0", "POST", "/api/tokens", "{\"name\":\"a\",\"expiresInDays\":0}", "alice",
       400},
      {"expiresInDays -1", "POST", "/api/tokens", "{\"name\":\"a\",\"expiresInDays\":-1}", "alice",
       400},
      {"expiresInDays 3651", "POST", "/api/tokens", "{\"name\":\"a\",\"expiresInDays\":3651}",
       "alice", 400},
      {"expiresInDays 1e308", "POST", "/api/tokens", "{\"name\":\"a\",\"expiresInDays\":1e308}",
       "alice", 400},
      {"expiresInDays 1.5", "POST", "/api/tokens", "{\"name\":\"a\",\"expiresInDays\":1.5}",
       "alice", 400},
      {"expiresInDays huge int", "POST", "/api/tokens",
       "{\"name\":\"a\",\"expiresInDays\":123456789012345678901234567890}", "alice", 400},
      {"expiresInDays string", "POST", "/api/tokens", "{\"name\":\"a\",\"expiresInDays\":\"30\"}",
       "alice", 400},
      {"expiresInDays bool", "POST", "/api/tokens", "{\"name\":\"a\",\"expiresInDays\":true}",
       "alice", 400},
      {"1 MiB body", "POST", "/api/tokens", "{\"name\":\"" + std::string(1 << 20, 'x') + "\"}",
       "alice", 413},
      {"1 MiB verify body", "POST", "/api/tokens/verify",
       "{\"token\":\"" + std::string(1 << 20, 'x') + "\"}", "git", 413},
      {"allowedIps empty", "POST", "/api/tokens", "{\"name\":\"a\",\"allowedIps\":[]}", "alice",
       400},
      {"allowedIps host bits", "POST", "/api/tokens",
       "{\"name\":\"a\",\"allowedIps\":[\"10.0.0.1/8\"]}", "alice", 400},
      {"allowedIps not a block", "POST", "/api/tokens",
       "{\"name\":\"a\",\"allowedIps\":[\"example.com\"]}", "alice", 400},
      {"allowedIps a string", "POST", "/api/tokens",
       "{\"name\":\"a\",\"allowedIps\":\"10.0.0.0/8\"}", "alice", 400},
      {"resources absolute", "POST", "/api/tokens", "{\"name\":\"a\",\"resources\":[\"/x\"]}",
       "alice", 400},
      {"resources of numbers", "POST", "/api/tokens", "{\"name\":\"a\",\"resources\":[1]}", "alice",
       400},
      {"expiringWithin bad", "GET", "/api/tokens?expiringWithin=soon", "", "alice", 400},
      {"rotate body an array", "POST", "/api/tokens/" + id + "/rotate", "[1]", "alice", 400},
      {"rotate expiresInDays 0", "POST", "/api/tokens/" + id + "/rotate", "{\"expiresInDays\":0}",
       "alice", 400},
      {"GET on rotate", "GET", "/api/tokens/" + id + "/rotate", "", "alice", 405},
      {"rotate id not a uuid", "POST", "/api/tokens/x/rotate", "", "alice", 404},
      {"rotate of no token", "POST", "/api/tokens/00000000-0000-4000-8000-000000000000/rotate", "",
       "alice", 404},
      {"self rotate with a session", "POST", "/api/tokens/self/rotate", "", "alice", 400},
      {"admin list limit 0", "GET", "/api/admin/tokens?limit=0", "", "root", 400},
      {"admin list bad time", "GET", "/api/admin/tokens?createdBefore=now", "", "root", 400},
      {"admin list bad cursor", "GET", "/api/admin/tokens?cursor=x", "", "root", 400},
      {"admin revoke without selector", "POST", "/api/admin/tokens/revoke", "{\"reason\":\"x\"}",
       "root", 400},
      {"admin revoke without reason", "POST", "/api/admin/tokens/revoke", "{\"userId\":\"alice\"}",
       "root", 400},
      {"admin revoke malformed", "POST", "/api/admin/tokens/revoke", "{", "root", 400},
      {"admin identify without token", "POST", "/api/admin/tokens/identify", "{}", "root", 400},
      {"admin identify not a token", "POST", "/api/admin/tokens/identify", "{\"token\":\"wit_x\"}",
       "root", 400},
      {"admin identify bad checksum", "POST", "/api/admin/tokens/identify",
       "{\"token\":\"" + token + "\"}", "root", 400},
      {"admin routes for a user", "GET", "/api/admin/tokens", "", "alice", 403},
      {"GET on admin revoke", "GET", "/api/admin/tokens/revoke", "", "root", 405},
      {"secret scanning unsigned", "POST", "/api/secret-scanning/github",
       "[{\"token\":\"" + token + "\"}]", "", 401},
      {"secret scanning malformed, unsigned", "POST", "/api/secret-scanning/github", "[", "", 401},
      {"GET on secret scanning", "GET", "/api/secret-scanning/github", "", "", 405},
      {"PUT on collection", "PUT", "/api/tokens", "{}", "alice", 405},
      {"PATCH on item", "PATCH", "/api/tokens/" + id, "{}", "alice", 405},
      {"GET on verify", "GET", "/api/tokens/verify", "", "git", 405},
      {"POST on scopes", "POST", "/api/tokens/scopes", "{}", "alice", 405},
      {"DELETE on healthz", "DELETE", "/healthz", "", "", 405},
      {"unknown route", "GET", "/api/nothing", "", "alice", 404},
      {"nested unknown route", "GET", "/api/tokens/" + id + "/extra", "", "alice", 404},
      {"root", "GET", "/", "", "", 404},
      {"id not a uuid", "GET", "/api/tokens/not-a-uuid", "", "alice", 404},
      {"revoke id not a uuid", "DELETE", "/api/tokens/%2e%2e%2fetc", "", "alice", 404},
      {"unknown uuid", "DELETE", "/api/tokens/" + id, "", "alice", 404},
      {"no session", "POST", "/api/tokens", "{\"name\":\"a\"}", "", 401},
      {"no session on list", "GET", "/api/tokens", "", "", 401},
      {"garbage session", "POST", "/api/tokens", "{\"name\":\"a\"}", "Bearer garbage", 401},
      {"not bearer", "GET", "/api/tokens", "", "Basic YWxpY2U6cHc=", 401},
      {"expired session", "POST", "/api/tokens", "{\"name\":\"a\"}",
       "Bearer " + Sign("sub", "alice", -120), 401},
      {"wrongly signed session", "POST", "/api/tokens", "{\"name\":\"a\"}",
       "Bearer " + Sign("sub", "alice", 3600, std::string(32, 'k')), 401},
      {"alg none session", "POST", "/api/tokens", "{\"name\":\"a\"}", "Bearer " + AlgNoneSession(),
       401},
      {"user session on verify", "POST", "/api/tokens/verify", "{\"token\":\"" + token + "\"}",
       "alice", 403},
      {"service on create", "POST", "/api/tokens", "{\"name\":\"a\"}", "git", 403},
      {"service on list", "GET", "/api/tokens", "", "git", 403},
      {"service on revoke", "DELETE", "/api/tokens/" + id, "", "git", 403},
      {"verify without token", "POST", "/api/tokens/verify", "{}", "git", 400},
      {"verify token not a string", "POST", "/api/tokens/verify", "{\"token\":5}", "git", 400},
      {"verify unknown scope", "POST", "/api/tokens/verify",
       "{\"token\":\"" + token + "\",\"scope\":\"repo:all\"}", "git", 400},
      {"verify malformed JSON", "POST", "/api/tokens/verify", "{\"token\":", "git", 400},
      {"list with bad status", "GET", "/api/tokens?status=deleted", "", "alice", 400},
      {"bad percent-encoding in the path", "GET", "/api/tokens/%zz", "", "alice", 400},
      {"bad percent-encoding in the query", "GET", "/api/tokens?status=%", "", "alice", 400},
  };
  const std::map<int, std::string> codes = {
      {400, "invalid_argument"}, {401, "unauthenticated"},    {403, "permission_denied"},
      {404, "not_found"},        {405, "method_not_allowed"}, {413, "payload_too_large"}};
  for (const BadRequest& c : cases) {
    std::string bearer = c.auth == "alice"  ? alice
                         : c.auth == "git"  ? git
                         : c.auth == "root" ? root
                                            : "";
    std::vector<std::pair<std::string, std::string>> headers;
    if (bearer.empty() && !c.auth.empty()) headers.emplace_back("Authorization", c.auth);
    HttpResponse r = Http(witd_->port(), c.method, c.path, c.body, bearer, headers);
    EXPECT_EQ(r.status, c.status) << c.what << ": " << r.body;
    Json error = Json::Parse(r.body).Object("error");
    EXPECT_EQ(error.Str("code"), codes.at(c.status)) << c.what << ": " << r.body;
    EXPECT_FALSE(error.Str("message").empty()) << c.what;
    EXPECT_NE(r.content_type.find("application/json"), std::string::npos) << c.what;
    ASSERT_EQ(Http(witd_->port(), "GET", "/healthz").status, 200) << "down after " << c.what;
  }
  // Positive controls at the edges of the ranges, in a user of their own.
  std::string carol = witd_->UserSession("carol");
  EXPECT_EQ(Http(witd_->port(), "POST", "/api/tokens",
                 "{\"name\":\"" + std::string(100, 'x') + "\",\"expiresInDays\":3650}", carol)
                .status,
            201);
  EXPECT_EQ(
      Http(witd_->port(), "POST", "/api/tokens", "{\"name\":\"a\",\"expiresInDays\":1}", carol)
          .status,
      201);
  ASSERT_EQ(witd_->Stop(), 0);
  std::vector<std::string> events = backend_.ReadAll(dir_ + "/data");
  ASSERT_EQ(events.size(), 2u) << "only the two positive controls may be written";
  for (const auto& e : events) EXPECT_NE(e.find("\"userId\":\"carol\""), std::string::npos);
}

// Forged records on the log (issue 11): what a service that may publish uses, or anyone who
// can write the log past witd, could put there. Each is skipped and counted by reason, and
// none creates, revokes or moves a token.
struct BadRecord {
  std::string what;
  bool on_usage;    // Kafka: the usage topic (else lifecycle); the embedded log has one stream
  std::string mac;  // "copy": the MAC of witd's own creation of the real token
  std::string reason_embedded;
  std::string reason_kafka;
};

TEST_P(BadInputTest, ForgedRecordsOnTheLogAreSkippedAndChangeNothing) {
  const std::string alice = witd_->UserSession("alice");
  const std::string git = witd_->ServiceSession("git");
  HttpResponse created = Http(witd_->port(), "POST", "/api/tokens", "{\"name\":\"real\"}", alice);
  ASSERT_EQ(created.status, 201);
  Json real = Json::Parse(created.body);
  ASSERT_EQ(witd_->Stop(), 0);

  std::string copied_mac;
  {
    auto log = backend_.OpenLog(dir_ + "/data");
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    auto reader = (*log)->OpenReader({});
    std::vector<LogRecord> records;
    for (int i = 0; i < 100 && records.empty(); ++i) {
      ASSERT_TRUE((*reader)->Read(10, std::chrono::milliseconds(50), &records).ok());
    }
    ASSERT_FALSE(records.empty());
    copied_mac = records[0].mac;
    ASSERT_FALSE(copied_mac.empty()) << "witd's own creation carries no MAC";
  }
  std::vector<BadRecord> table = {
      {"creation on the usage stream", true, "", "unsigned", "wrong_stream"},
      {"revocation on the usage stream", true, "", "unsigned", "wrong_stream"},
      {"creation without a MAC", false, "", "unsigned", "unsigned"},
      {"creation with a MAC of another key", false, "v1:00000000:" + std::string(64, 'a'),
       "other_key", "other_key"},
      {"creation with a copied MAC", false, "copy", "bad_mac", "bad_mac"},
      {"creation with a garbled MAC", false, "v1:zz", "bad_mac", "bad_mac"},
      {"revocation with a copied MAC", false, "copy", "bad_mac", "bad_mac"},
      {"use naming another user", true, "", "foreign_user", "foreign_user"},
  };
  std::vector<GeneratedToken> forged_tokens;
  std::map<std::string, int> expected;
  {
    auto log = backend_.OpenLog(dir_ + "/data");
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    for (const BadRecord& r : table) {
      Event e;
      e.event_id = NewUuid();
      e.occurred_at = NowMs();
      e.user_id = "alice";
      if (r.what.find("creation") != std::string::npos) {
        forged_tokens.push_back(GenerateToken());
        e.type = EventType::kCreated;
        e.token_id = NewUuid();
        e.name = "forged";
        e.prefix = forged_tokens.back().prefix;
        e.token_hash = forged_tokens.back().hash;
        e.scopes = {"repo:admin"};
      } else if (r.what.find("revocation") != std::string::npos) {
        e.type = EventType::kRevoked;
        e.token_id = real.Str("id");
        e.revoked_by = "mallory";
      } else {
        e.type = EventType::kUsed;
        e.token_id = real.Str("id");
        e.user_id = "mallory";
        e.outcome = "allowed";
      }
      std::string mac = r.mac == "copy" ? copied_mac : r.mac;
      std::string payload = EncodeEvent(e);
      Status s = Status::OK();
      if (auto* kafka = dynamic_cast<KafkaEventLog*>(log->get())) {
        s = kafka
                ->AppendPayload(r.on_usage ? kafka->usage_topic() : kafka->lifecycle_topic(),
                                e.token_id, payload, mac)
                .status();
      } else {
        s = static_cast<EmbeddedEventLog*>(log->get())->AppendPayload(payload, mac).status();
      }
      ASSERT_TRUE(s.ok()) << r.what << ": " << s.ToString();
      ++expected[backend_.is_kafka() ? r.reason_kafka : r.reason_embedded];
    }
  }
  ASSERT_TRUE(witd_->Start());
  std::string metrics;
  Eventually([&] {
    metrics = Http(witd_->port(), "GET", "/metrics").body;
    bool all = true;
    for (const auto& [reason, n] : expected) {
      all &= metrics.find("wit_events_skipped_total{reason=\"" + reason + "\"} " +
                          std::to_string(n) + "\n") != std::string::npos;
    }
    return all;
  });
  for (const auto& [reason, n] : expected) {
    EXPECT_NE(metrics.find("wit_events_skipped_total{reason=\"" + reason + "\"} " +
                           std::to_string(n) + "\n"),
              std::string::npos)
        << reason << " " << n << "\n"
        << metrics;
  }
  for (const GeneratedToken& t : forged_tokens) {
    HttpResponse v = Http(witd_->port(), "POST", "/api/tokens/verify",
                          "{\"token\":\"" + t.plaintext + "\"}", git);
    EXPECT_EQ(v.status, 200);
    EXPECT_EQ(Json::Parse(v.body).Str("reason"), "unknown") << v.body;
  }
  Json item =
      Json::Parse(Http(witd_->port(), "GET", "/api/tokens/" + real.Str("id"), "", alice).body);
  EXPECT_EQ(item.Str("status"), "active");
  EXPECT_TRUE(item.IsNull("lastUsedAt"));
  Json list = Json::Parse(Http(witd_->port(), "GET", "/api/tokens?status=all", "", alice).body);
  EXPECT_EQ(list.Array("tokens").size(), 1u);

  // wit-audit applies the same gate: it shows witd's one creation and counts the rest.
  std::string source = backend_.is_kafka() ? backend_.AuditFlags() : "--data-dir " + dir_ + "/data";
  CommandResult audit =
      RunCommand(BinDir() + "/wit-audit replay --format jsonl --type created " + source);
  EXPECT_EQ(audit.exit_code, 0) << audit.err;
  EXPECT_EQ(std::count(audit.out.begin(), audit.out.end(), '\n'), 1) << audit.out;
  EXPECT_NE(audit.err.find("records that witd does not apply"), std::string::npos) << audit.err;
}

INSTANTIATE_TEST_SUITE_P(Logs, BadInputTest, ::testing::ValuesIn(kLogKinds));

}  // namespace
}  // namespace wit::testing
