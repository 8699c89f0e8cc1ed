// The authorization matrix: every route × every kind of credential → the exact status the
// contract gives, and no refused request writes anything to the event log.
#include <Poco/Timestamp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/support/jwt.h"
#include "tests/test_json.h"
#include "tests/witd_process.h"

namespace wit::testing {
namespace {

class AuthorizationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("authz");
    witd_ = std::make_unique<WitdProcess>(dir_);
    ASSERT_TRUE(witd_->Start());
    std::ifstream in(dir_ + "/session.key", std::ios::binary);
    std::ostringstream key;
    key << in.rdbuf();
    key_ = key.str();
    ASSERT_GE(key_.size(), 32u);
  }
  void TearDown() override {
    witd_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Sign makes a session: claim "sub" or "svc" = name, issued `iat_offset` s from now,
  // expiring `exp_offset` s from now, signed with `key` (the server's unless given).
  std::string Sign(const std::string& claim, const std::string& name, int64_t iat_offset,
                   int64_t exp_offset, const std::string& key = "") const {
    return SignSession(key.empty() ? key_ : key, claim, name, iat_offset, exp_offset);
  }

  // Appended is the number of events witd has appended to its log so far.
  int64_t Appended() const {
    std::istringstream metrics(Http(witd_->port(), "GET", "/metrics").body);
    int64_t total = 0;
    for (std::string line; std::getline(metrics, line);) {
      if (line.rfind("wit_events_appended_total", 0) == 0) {
        total += std::stoll(line.substr(line.rfind(' ') + 1));
      }
    }
    return total;
  }

  std::string dir_;
  std::string key_;
  std::unique_ptr<WitdProcess> witd_;
};

TEST_F(AuthorizationTest, EveryRouteAndCredentialGetsTheContractsStatus) {
  const std::string alice = "Bearer " + witd_->UserSession("alice");
  const std::string bob = "Bearer " + witd_->UserSession("bob");
  const std::string git = "Bearer " + witd_->ServiceSession("git");
  HttpResponse made =
      Http(witd_->port(), "POST", "/api/tokens", "{\"name\":\"alices\"}", alice.substr(7));
  ASSERT_EQ(made.status, 201);
  const std::string id = Json::Parse(made.body).Str("id");
  const std::string plaintext = Json::Parse(made.body).Str("token");

  // The credentials. "Within skew" expired 10 s ago: inside the 30 s tolerance, so accepted.
  std::map<std::string, std::string> creds = {
      {"none", ""},
      {"garbage", "Bearer garbage"},
      {"not bearer", "Basic YWxpY2U6cGFzc3dvcmQ="},
      {"empty bearer", "Bearer "},
      {"wrong signature", "Bearer " + Sign("sub", "alice", -60, 3600, std::string(32, 'k'))},
      {"alg none",
       "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."
       "eyJzdWIiOiJhbGljZSIsImlhdCI6MSwiZXhwIjo5OTk5OTk5OTk5fQ."},
      {"expired", "Bearer " + Sign("sub", "alice", -7200, -3600)},
      {"expired beyond skew", "Bearer " + Sign("sub", "alice", -7200, -31)},
      {"expired within skew", "Bearer " + Sign("sub", "alice", -7200, -10)},
      {"issued in the future", "Bearer " + Sign("sub", "alice", 3600, 7200)},
      {"another user", bob},
      {"service", git},
      {"user", alice},
      {"admin", "Bearer " + witd_->AdminSession("root")},
  };
  struct Route {
    std::string method, path, body, content_type = "";
  };
  const std::string verify_body = "{\"token\":\"" + plaintext + "\",\"scope\":\"repo:read\"}";
  std::map<std::string, Route> routes = {
      {"create", {"POST", "/api/tokens", "{\"name\":\"matrix\"}"}},
      {"list", {"GET", "/api/tokens", ""}},
      {"get", {"GET", "/api/tokens/" + id, ""}},
      {"revoke", {"DELETE", "/api/tokens/" + id, ""}},
      {"verify", {"POST", "/api/tokens/verify", verify_body}},
      {"scopes", {"GET", "/api/tokens/scopes", ""}},
      {"healthz", {"GET", "/healthz", ""}},
      {"readyz", {"GET", "/readyz", ""}},
      {"metrics", {"GET", "/metrics", ""}},
      {"self", {"GET", "/api/tokens/self", ""}},
      {"rotate", {"POST", "/api/tokens/" + id + "/rotate", ""}},
      {"self rotate", {"POST", "/api/tokens/self/rotate", ""}},
      {"admin list", {"GET", "/api/admin/tokens", ""}},
      {"admin identify",
       {"POST", "/api/admin/tokens/identify", "{\"token\":\"" + plaintext + "\"}"}},
      {"admin revoke",
       {"POST", "/api/admin/tokens/revoke", "{\"userId\":\"nobody\",\"reason\":\"matrix\"}"}},
      {"introspect",
       {"POST", "/oauth/introspect", "token=" + plaintext, "application/x-www-form-urlencoded"}},
      {"secret scanning",
       {"POST", "/api/secret-scanning/github", "[{\"token\":\"" + plaintext + "\"}]"}},
  };
  // The expected status of every pair: 401 for anything that is not a valid session, 403 for
  // the wrong kind of principal, 404 for another user's token; the public routes ignore it.
  auto expected = [](const std::string& route, const std::string& cred) {
    if (route == "scopes" || route == "healthz" || route == "readyz" || route == "metrics")
      return 200;
    // GitHub's alerts are taken on GitHub's signature alone, and this witd knows no keys.
    if (route == "secret scanning") return 401;
    bool valid_user = cred == "user" || cred == "expired within skew" || cred == "another user" ||
                      cred == "admin";
    if (!valid_user && cred != "service") return 401;
    // The admin routes take an admin session and nothing else; on the others an admin's
    // session is its own user's (root, who owns none of alice's tokens).
    if (route.compare(0, 6, "admin ") == 0) return cred == "admin" ? 200 : 403;
    bool user_route = route != "verify" && route != "introspect";
    if (cred == "service") return user_route ? 403 : 200;
    if (!user_route) return 403;
    if (route == "self" || route == "self rotate") return 400;  // a session is no token
    bool other = cred == "another user" || cred == "admin";
    if (other && (route == "get" || route == "revoke" || route == "rotate")) {
      return 404;
    }
    // Alice rotates her token twice ("expired within skew" is her session too, and comes
    // first): the second rotation of a token is a reuse.
    if (route == "rotate" && cred == "user") return 401;
    if (route == "create") return 201;
    return 200;
  };
  // Refused requests first: each must leave the log as it was. The allowed writes (create,
  // revoke, a verify's use) come after, in an order that keeps alice's token alive until then.
  std::vector<std::pair<std::string, std::string>> allowed;
  for (const auto& [cred_name, cred] : creds) {
    for (const auto& [route_name, route] : routes) {
      int want = expected(route_name, cred_name);
      bool reuse = route_name == "rotate" && cred_name == "user";  // refused, yet writes
      if ((want < 400 || reuse) && route_name != "scopes" && route_name != "healthz" &&
          route_name != "readyz" && route_name != "metrics") {
        allowed.emplace_back(route_name, cred_name);
        continue;
      }
      int64_t before = Appended();
      std::vector<std::pair<std::string, std::string>> headers;
      if (!cred.empty()) headers.emplace_back("Authorization", cred);
      if (!route.content_type.empty()) headers.emplace_back("Content-Type", route.content_type);
      HttpResponse r = Http(witd_->port(), route.method, route.path, route.body, "", headers);
      EXPECT_EQ(r.status, want) << route_name << " with " << cred_name << ": " << r.body;
      if (r.status >= 400) {
        Json error = Json::Parse(r.body).Object("error");
        EXPECT_FALSE(error.Str("code").empty()) << route_name << " with " << cred_name;
        EXPECT_FALSE(error.Str("message").empty()) << route_name << " with " << cred_name;
      }
      EXPECT_EQ(Appended(), before) << route_name << " with " << cred_name << " wrote to the log";
    }
  }
  // Allowed: rotate, then revoke, go last so that verify and get still see the token active.
  auto rank = [](const std::string& route) {
    return route == "revoke" ? 2 : route == "rotate" ? 1 : 0;
  };
  std::stable_sort(allowed.begin(), allowed.end(),
                   [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
  for (const auto& [route_name, cred_name] : allowed) {
    const Route& route = routes[route_name];
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Authorization", creds[cred_name]}};
    if (!route.content_type.empty()) headers.emplace_back("Content-Type", route.content_type);
    HttpResponse r = Http(witd_->port(), route.method, route.path, route.body, "", headers);
    EXPECT_EQ(r.status, expected(route_name, cred_name))
        << route_name << " with " << cred_name << ": " << r.body;
  }
  // Bob's list never shows alice's token.
  HttpResponse bobs = Http(witd_->port(), "GET", "/api/tokens?status=all", "", bob.substr(7));
  EXPECT_EQ(bobs.body.find(id), std::string::npos);
}

}  // namespace
}  // namespace wit::testing
