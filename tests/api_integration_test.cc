// The API end to end: a real witd on loopback with a temp data dir, driven over HTTP.
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>
#include <utility>
#include <vector>

#include "base/time_util.h"
#include "tests/log_backend.h"
#include "tests/support/eventually.h"
#include "tests/test_json.h"
#include "tests/witd_process.h"
#include "token/token.h"

namespace wit::testing {
namespace {

class ApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("api");
    witd_ = std::make_unique<WitdProcess>(dir_ + "/data", backend_.WitdArgs());
    ASSERT_TRUE(witd_->Start()) << "witd did not start; log: " << witd_->log_path();
    alice_ = witd_->UserSession("alice");
    bob_ = witd_->UserSession("bob");
    git_ = witd_->ServiceSession("git");
  }
  void TearDown() override {
    if (witd_) {
      EXPECT_EQ(witd_->Stop(), 0);
    }
    std::filesystem::remove_all(dir_);
  }

  HttpResponse Post(const std::string& path, const std::string& body, const std::string& who) {
    return Http(witd_->port(), "POST", path, body, who);
  }
  HttpResponse Get(const std::string& path, const std::string& who) {
    return Http(witd_->port(), "GET", path, "", who);
  }
  Json CreateToken(const std::string& body, const std::string& who) {
    HttpResponse r = Post("/api/tokens", body, who);
    EXPECT_EQ(r.status, 201) << r.body;
    return Json::Parse(r.body);
  }
  Json Verify(const std::string& token, const std::string& scope = "") {
    std::string body = "{\"token\":\"" + token + "\"";
    if (!scope.empty()) body += ",\"scope\":\"" + scope + "\"";
    HttpResponse r = Post("/api/tokens/verify", body + "}", git_);
    EXPECT_EQ(r.status, 200) << r.body;
    return Json::Parse(r.body);
  }

  LogBackend backend_{GetParam()};
  std::string dir_;
  std::unique_ptr<WitdProcess> witd_;
  std::string alice_, bob_, git_;
};

TEST_P(ApiTest, CreateReturnsTokenOnceWithDefaults) {
  Json t = CreateToken("{\"name\":\"ci-token\"}", alice_);
  std::string token = t.Str("token");
  EXPECT_TRUE(CheckTokenFormat(token).ok()) << token;
  EXPECT_EQ(t.Str("prefix"), std::string(TokenPrefix(token)));
  EXPECT_EQ(t.Str("name"), "ci-token");
  EXPECT_EQ(t.Strings("scopes"), (std::vector<std::string>{"repo:read", "repo:write"}));
  EXPECT_TRUE(t.IsNull("expiresAt"));
  EXPECT_TRUE(t.IsNull("lastUsedAt"));
  EXPECT_TRUE(t.IsNull("revokedAt"));
  EXPECT_EQ(t.Str("status"), "active");
  EXPECT_EQ(t.Str("createdAt").size(), 24u);  // 2026-11-27T22:17:00.000Z

  // Neither the list nor the item ever hold the plaintext again.
  HttpResponse item = Get("/api/tokens/" + t.Str("id"), alice_);
  EXPECT_EQ(item.status, 200);
  EXPECT_EQ(item.body.find(token), std::string::npos);
  EXPECT_FALSE(Json::Parse(item.body).Has("token"));
  EXPECT_EQ(Get("/api/tokens", alice_).body.find(token), std::string::npos);
}

TEST_P(ApiTest, CreateWithScopesAndExpiry) {
  Json t = CreateToken(
      "{\"name\":\"deploy\",\"scopes\":[\"repo:admin\",\"repo:read\"],\"expiresInDays\":30}",
      alice_);
  EXPECT_EQ(t.Strings("scopes"), (std::vector<std::string>{"repo:read", "repo:admin"}));
  auto created = ParseRfc3339(t.Str("createdAt"));
  auto expires = ParseRfc3339(t.Str("expiresAt"));
  ASSERT_TRUE(created.ok() && expires.ok());
  EXPECT_EQ(*expires - *created, 30 * kMsPerDay);
}

TEST_P(ApiTest, ReadYourWritesAndVerifyRecordsUse) {
  Json t = CreateToken("{\"name\":\"rw\",\"scopes\":[\"repo:write\"]}", alice_);
  Json ok = Verify(t.Str("token"), "repo:read");  // repo:write implies repo:read
  EXPECT_TRUE(ok.Bool("active"));
  EXPECT_EQ(ok.Str("id"), t.Str("id"));
  EXPECT_EQ(ok.Str("userId"), "alice");
  EXPECT_EQ(ok.Str("prefix"), t.Str("prefix"));
  EXPECT_TRUE(ok.IsNull("expiresAt"));

  // The use is durable when verify answers; the view shows it as soon as it is applied.
  Json item;
  EXPECT_TRUE(Eventually([&] {
    item = Json::Parse(Get("/api/tokens/" + t.Str("id"), alice_).body);
    return !item.IsNull("lastUsedAt");
  })) << "a verify is recorded as a use";

  Json denied = Verify(t.Str("token"), "repo:admin");
  EXPECT_FALSE(denied.Bool("active"));
  EXPECT_EQ(denied.Str("reason"), "insufficient_scope");
  EXPECT_FALSE(denied.Has("id"));

  HttpResponse del = Http(witd_->port(), "DELETE", "/api/tokens/" + t.Str("id"), "", alice_);
  ASSERT_EQ(del.status, 200);
  Json revoked = Json::Parse(del.body);
  EXPECT_EQ(revoked.Str("status"), "revoked");
  EXPECT_FALSE(revoked.IsNull("revokedAt"));
  EXPECT_EQ(Verify(t.Str("token")).Str("reason"), "revoked");

  // Again: 200, same revocation time, no second event.
  HttpResponse again = Http(witd_->port(), "DELETE", "/api/tokens/" + t.Str("id"), "", alice_);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(Json::Parse(again.body).Str("revokedAt"), revoked.Str("revokedAt"));
  std::string metrics = Get("/metrics", "").body;
  EXPECT_NE(metrics.find("wit_events_appended_total{type=\"token.revoked\"} 1\n"),
            std::string::npos)
      << metrics;
}

TEST_P(ApiTest, VerifyReasons) {
  EXPECT_EQ(Verify("wit_nonsense").Str("reason"), "malformed");
  GeneratedToken stranger = GenerateToken();
  EXPECT_EQ(Verify(stranger.plaintext).Str("reason"), "unknown");
  std::string real = CreateToken("{\"name\":\"x\"}", alice_).Str("token");
  std::string tampered = real;
  tampered[20] = tampered[20] == 'a' ? 'b' : 'a';
  EXPECT_EQ(Verify(tampered).Str("reason"), "malformed");
}

TEST_P(ApiTest, ListFiltersByStatusNewestFirst) {
  Json a = CreateToken("{\"name\":\"a\"}", alice_);
  Json b = CreateToken("{\"name\":\"b\"}", alice_);
  Json c = CreateToken("{\"name\":\"c\"}", alice_);
  CreateToken("{\"name\":\"bobs\"}", bob_);
  ASSERT_EQ(Http(witd_->port(), "DELETE", "/api/tokens/" + b.Str("id"), "", alice_).status, 200);

  auto names = [&](const std::string& query) {
    HttpResponse r = Get("/api/tokens" + query, alice_);
    EXPECT_EQ(r.status, 200);
    std::vector<std::string> out;
    for (const Json& t : Json::Parse(r.body).Array("tokens")) out.push_back(t.Str("name"));
    return out;
  };
  EXPECT_EQ(names(""), (std::vector<std::string>{"c", "a"}));
  EXPECT_EQ(names("?status=active"), (std::vector<std::string>{"c", "a"}));
  EXPECT_EQ(names("?status=revoked"), (std::vector<std::string>{"b"}));
  EXPECT_EQ(names("?status=expired"), std::vector<std::string>{});
  EXPECT_EQ(names("?status=all"), (std::vector<std::string>{"c", "b", "a"}));
  EXPECT_EQ(Get("/api/tokens?status=bogus", alice_).status, 400);
}

TEST_P(ApiTest, OtherUsersTokensAreNotFound) {
  Json t = CreateToken("{\"name\":\"private\"}", alice_);
  EXPECT_EQ(Get("/api/tokens/" + t.Str("id"), bob_).status, 404);
  EXPECT_EQ(Http(witd_->port(), "DELETE", "/api/tokens/" + t.Str("id"), "", bob_).status, 404);
  EXPECT_TRUE(Verify(t.Str("token")).Bool("active")) << "bob's attempt revoked nothing";
  EXPECT_EQ(Json::Parse(Get("/api/tokens", bob_).body).Array("tokens").size(), 0u);
}

TEST_P(ApiTest, ScopesNeedNoSession) {
  HttpResponse r = Get("/api/tokens/scopes", "");
  ASSERT_EQ(r.status, 200);
  std::vector<Json> scopes = Json::Parse(r.body).Array("scopes");
  ASSERT_EQ(scopes.size(), 5u);
  EXPECT_EQ(scopes[0].Str("name"), "repo:read");
  EXPECT_EQ(scopes[0].Str("group"), "Repository");
  EXPECT_EQ(scopes[4].Str("name"), "user:write");
  EXPECT_FALSE(scopes[4].Str("description").empty());
}

TEST_P(ApiTest, HealthReadinessAndMetrics) {
  EXPECT_EQ(Get("/healthz", "").status, 200);
  EXPECT_EQ(Get("/readyz", "").status, 200);
  CreateToken("{\"name\":\"m\"}", alice_);
  HttpResponse m = Get("/metrics", "");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.content_type.find("text/plain"), std::string::npos);
  for (const char* needle :
       {"wit_http_requests_total{route=\"/api/tokens\",status=\"201\"} 1",
        "wit_events_appended_total{type=\"token.created\"} 1", "wit_events_applied_total",
        "wit_projector_lag_events 0", "# TYPE wit_http_requests_total counter"}) {
    EXPECT_NE(m.body.find(needle), std::string::npos) << needle << "\n" << m.body;
  }
}

TEST_P(ApiTest, SigtermDrainsAndExitsZeroThenStateSurvives) {
  Json t = CreateToken("{\"name\":\"durable\"}", alice_);
  EXPECT_EQ(witd_->Stop(), 0);
  ASSERT_TRUE(witd_->Start());
  Json item = Json::Parse(Get("/api/tokens/" + t.Str("id"), alice_).body);
  EXPECT_EQ(item.Str("name"), "durable");
  EXPECT_TRUE(Verify(t.Str("token")).Bool("active"));
}

TEST_P(ApiTest, CurlCanDriveTheApi) {
  std::string base = witd_->url();
  CommandResult created = RunCommand("curl -sS -X POST -H 'Authorization: Bearer " + alice_ +
                                     "' -H 'Content-Type: application/json' -d "
                                     "'{\"name\":\"from-curl\",\"scopes\":[\"user:read\"]}' " +
                                     base + "/api/tokens");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  Json t = Json::Parse(created.out);
  EXPECT_EQ(t.Str("name"), "from-curl");
  CommandResult verified =
      RunCommand("curl -sS -X POST -H 'Authorization: Bearer " + git_ + "' -d '{\"token\":\"" +
                 t.Str("token") + "\",\"scope\":\"user:read\"}' " + base + "/api/tokens/verify");
  EXPECT_TRUE(Json::Parse(verified.out).Bool("active")) << verified.out;
  CommandResult code = RunCommand(
      "curl -s -o /dev/null -w '%{http_code}' -X DELETE -H "
      "'Authorization: Bearer " +
      alice_ + "' " + base + "/api/tokens/" + t.Str("id"));
  EXPECT_EQ(code.out, "200");
}

// Requests pipelined on one connection are answered in their order, though a sync-audited
// verify's reply is sent by the thread that makes its use durable and the others' by the
// connection's ("100 Continue", which Poco sends itself, included); "Connection: close" ends
// the connection after its reply.
TEST_P(ApiTest, PipelinedRequestsAreAnsweredInTheirOrder) {
  Json t = CreateToken("{\"name\":\"pipelined\"}", alice_);
  auto verify = [&](const std::string& token, const std::string& more_headers) {
    std::string body = "{\"token\":\"" + token + "\"}";
    return "POST /api/tokens/verify HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + git_ +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n" + more_headers + "\r\n" + body;
  };
  std::string requests = verify(t.Str("token"), "") + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" +
                         verify(t.Str("token") + "x", "") + verify(t.Str("token"), "") +
                         verify(t.Str("token"), "Expect: 100-continue\r\n") +
                         verify(t.Str("token"), "Connection: close\r\n");
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", witd_->port()));
  socket.setReceiveTimeout(Poco::Timespan(30, 0));
  ASSERT_EQ(socket.sendBytes(requests.data(), static_cast<int>(requests.size())),
            static_cast<int>(requests.size()));
  std::string got;
  char buf[4096];
  for (int n = 0; (n = socket.receiveBytes(buf, sizeof buf)) > 0;) {
    got.append(buf, static_cast<size_t>(n));
  }
  std::vector<std::pair<std::string, std::string>> replies;  // head, body
  for (size_t at = 0; at < got.size();) {
    size_t end = got.find("\r\n\r\n", at);
    ASSERT_NE(end, std::string::npos) << got;
    std::string head = got.substr(at, end + 4 - at);
    size_t size = 0;
    if (head.rfind("HTTP/1.1 100", 0) != 0) {
      size_t length = head.find("Content-Length: ");
      ASSERT_NE(length, std::string::npos) << head;
      size = std::stoul(head.substr(length + 16));
    }
    replies.emplace_back(head, got.substr(end + 4, size));
    at = end + 4 + size;
  }
  ASSERT_EQ(replies.size(), 7u) << got;
  for (size_t i : {0, 1, 2, 3, 5, 6}) {
    EXPECT_EQ(replies[i].first.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << i << ": " << got;
  }
  EXPECT_EQ(replies[4].first.rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << got;
  EXPECT_TRUE(Json::Parse(replies[0].second).Bool("active")) << replies[0].second;
  EXPECT_EQ(replies[1].second, "{\"status\":\"ok\"}");
  EXPECT_FALSE(Json::Parse(replies[2].second).Bool("active")) << replies[2].second;
  for (size_t i : {3, 5, 6}) {
    EXPECT_TRUE(Json::Parse(replies[i].second).Bool("active")) << replies[i].second;
  }
  EXPECT_NE(replies[6].first.find("\r\nConnection: Close\r\n"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Logs, ApiTest, ::testing::ValuesIn(kLogKinds));

}  // namespace
}  // namespace wit::testing
