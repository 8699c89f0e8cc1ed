// RFC 7662 introspection and forward auth through ApiRoutes, over a real log and view.
#include "api/auth_routes.h"

#include <gtest/gtest.h>

#include "api/api_routes_fixture_for_test.h"
#include "api/form_body.h"
#include "api/introspection.h"
#include "base/base64.h"
#include "tests/test_json.h"

namespace wit {
namespace {

using wit::testing::Json;
using Headers = std::map<std::string, std::string>;

const Headers kForm = {{"Content-Type", "application/x-www-form-urlencoded"}};

TEST_F(ApiRoutesTest, IntrospectionAnswersAsRfc7662) {
  std::string token = NewToken(R"(["repo:read","repo:write"])", R"(,"expiresInDays":30)");
  ApiReply active = Call("POST", "/oauth/introspect", git_,
                         "token=" + token + "&token_type_hint=access_token", kForm);
  ASSERT_EQ(active.status, 200) << active.body;
  Json answer = Json::Parse(active.body);
  EXPECT_TRUE(answer.Bool("active"));
  EXPECT_EQ(answer.Str("scope"), "repo:read repo:write");
  EXPECT_EQ(answer.Str("username"), "alice");
  EXPECT_EQ(answer.Str("sub"), "alice");
  EXPECT_EQ(answer.Str("token_type"), "Bearer");
  EXPECT_EQ(answer.Int("exp") - answer.Int("iat"), 30 * 86400);
  EXPECT_FALSE(answer.Str("jti").empty());
  EXPECT_EQ(active.body.find(token), std::string::npos);

  // Every inactive token is exactly {"active":false}.
  ASSERT_EQ(Call("DELETE", "/api/tokens/" + answer.Str("jti"), alice_).status, 200);
  for (const std::string& form : {"token=" + token, std::string("token=wit_nonsense"),
                                  std::string("token=anything+at+all")}) {
    ApiReply inactive = Call("POST", "/oauth/introspect", git_, form, kForm);
    EXPECT_EQ(inactive.status, 200);
    EXPECT_EQ(inactive.body, R"({"active":false})") << form;
  }
  // Recorded as uses of the token, by the service that asked.
  std::vector<Event> uses = Uses();
  for (const Event& e : uses) {
    EXPECT_EQ(e.service, "git");
    EXPECT_EQ(e.action, "oauth.introspect");
  }
  EXPECT_EQ(uses.size(), 2u);  // the unknown and malformed tokens have no token to attach a use to

  // Only a service asks; the body is a form with a token.
  EXPECT_EQ(Call("POST", "/oauth/introspect", "", "token=" + token, kForm).status, 401);
  EXPECT_EQ(Call("POST", "/oauth/introspect", alice_, "token=" + token, kForm).status, 403);
  EXPECT_EQ(Call("POST", "/oauth/introspect", git_, R"({"token":"x"})",
                 {{"Content-Type", "application/json"}})
                .status,
            400);
  EXPECT_EQ(Call("POST", "/oauth/introspect", git_, "token_type_hint=x", kForm).status, 400);
  EXPECT_EQ(Call("POST", "/oauth/introspect", git_, "token=a&token=b", kForm).status, 400);
  EXPECT_EQ(Call("POST", "/oauth/introspect", git_, "token=%zz", kForm).status, 400);
  EXPECT_EQ(Call("GET", "/oauth/introspect", git_).status, 405);
}

class ForwardAuthTest : public ApiRoutesTest {
 protected:
  // Forward asks /api/auth/forward as nginx does, the proxy being the service "edge".
  ApiReply Forward(const std::string& authorization, const std::string& method,
                   const std::string& uri, Headers extra = {}) {
    extra.emplace("X-Wit-Service-Credential", edge_);
    extra.emplace("X-Original-Method", method);
    extra.emplace("X-Original-URI", uri);
    extra.emplace("X-Real-IP", "198.51.100.9");
    return Call("GET", "/api/auth/forward", authorization, std::nullopt, extra);
  }
  static std::string Basic(const std::string& password) {
    return "Basic " + Base64Encode("git:" + password);
  }
  std::string edge_ = sessions_.Issue({Principal::Kind::kService, "edge"}, 600);
};

TEST_F(ForwardAuthTest, GitFetchAndPushNeedTheirScopes) {
  std::string reader = NewToken(R"(["repo:read"])");
  const std::string refs = "/alice/repo.git/info/refs?service=git-upload-pack";
  ApiReply fetch = Forward(Basic(reader), "GET", refs);
  ASSERT_EQ(fetch.status, 200) << fetch.body;
  EXPECT_EQ(Header(fetch, "X-Wit-User"), "alice");
  EXPECT_EQ(Header(fetch, "X-Wit-Scopes"), "repo:read");
  EXPECT_FALSE(Header(fetch, "X-Wit-Token-Id").empty());
  EXPECT_EQ(Forward("Bearer " + reader, "POST", "/alice/repo.git/git-upload-pack").status, 200);

  ApiReply push =
      Forward(Basic(reader), "GET", "/alice/repo.git/info/refs?service=git-receive-pack");
  EXPECT_EQ(push.status, 403);
  EXPECT_NE(push.body.find("this token lacks repo:write"), std::string::npos) << push.body;
  EXPECT_EQ(Forward(Basic(reader), "POST", "/alice/repo.git/git-receive-pack").status, 403);
  std::string writer = NewToken(R"(["repo:write"])");
  EXPECT_EQ(Forward(Basic(writer), "POST", "/alice/repo.git/git-receive-pack").status, 200);

  std::vector<Event> uses = Uses();
  ASSERT_EQ(uses.size(), 5u);
  EXPECT_EQ(uses[0].service, "edge");
  EXPECT_EQ(uses[0].action, "git.fetch");
  EXPECT_EQ(uses[0].resource, "alice/repo.git");
  EXPECT_EQ(uses[0].scope, "repo:read");
  EXPECT_EQ(uses[0].ip, "198.51.100.9");
  EXPECT_EQ(uses[0].outcome, "allowed");
  EXPECT_EQ(uses[2].action, "git.push");
  EXPECT_EQ(uses[2].outcome, "denied");
  EXPECT_EQ(uses[2].reason, "insufficient_scope");
  EXPECT_EQ(uses[4].outcome, "allowed");
}

TEST_F(ForwardAuthTest, WhatIsNotAnActiveTokenIsChallenged) {
  std::string token = NewToken(R"(["repo:read"])");
  const std::string refs = "/r.git/info/refs?service=git-upload-pack";
  for (const auto& [label, auth] : std::vector<std::pair<std::string, std::string>>{
           {"missing", ""},
           {"a password that is no token", Basic("hunter2")},
           {"malformed token", Basic("wit_short")},
           {"not base64", "Basic ???"},
           {"a session", alice_}}) {
    ApiReply r = Forward(auth, "GET", refs);
    EXPECT_EQ(r.status, 401) << label << ": " << r.body;
    EXPECT_EQ(Header(r, "WWW-Authenticate"), "Basic realm=\"wit\"") << label;
  }
  ASSERT_EQ(Call("DELETE",
                 "/api/tokens/" +
                     Json::Parse(Call("GET", "/api/tokens/self", "Bearer " + token).body).Str("id"),
                 alice_)
                .status,
            200);
  ApiReply revoked = Forward(Basic(token), "GET", refs);
  EXPECT_EQ(revoked.status, 401);
  EXPECT_EQ(Header(revoked, "WWW-Authenticate"), "Basic realm=\"wit\"");
  EXPECT_EQ(Uses().back().reason, "revoked");
}

TEST_F(ForwardAuthTest, ThereIsNoOpenDoor) {
  std::string token = NewToken(R"(["repo:admin","user:write"])");
  // No rule: denied, and recorded as denied.
  ApiReply other = Forward(Basic(token), "GET", "/api/v1/anything");
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(Uses().back().reason, "no_matching_rule");
  EXPECT_EQ(Uses().back().resource, "api/v1/anything");
  EXPECT_EQ(Forward(Basic(token), "GET", "/r.git/info/refs").status, 403);  // dumb protocol
  // A path that climbs out, or does not decode, is refused before any rule.
  EXPECT_EQ(Forward(Basic(token), "POST", "/../r.git/git-upload-pack").status, 403);
  EXPECT_EQ(Forward(Basic(token), "POST", "/r.git/%zz/git-upload-pack").status, 403);
  EXPECT_EQ(Uses().back().reason, "bad_original_request");
  // A request normalised to a git path is the git path, also for its resource.
  EXPECT_EQ(Forward(Basic(token), "POST", "/a/./x/../r.git//git-receive-pack").status, 200);
  EXPECT_EQ(Uses().back().resource, "a/r.git");

  // Without the proxy's own credential nothing is decided or recorded.
  size_t before = Events().size();
  for (const std::string& proxy : {std::string(), std::string("garbage"), alice_}) {
    Headers h = {{"X-Original-Method", "GET"},
                 {"X-Original-URI", "/r.git/info/refs?service=git-upload-pack"}};
    if (!proxy.empty()) h["X-Wit-Service-Credential"] = proxy;
    ApiReply r = Call("GET", "/api/auth/forward", Basic(token), std::nullopt, h);
    EXPECT_EQ(r.status, 401) << proxy;
    EXPECT_EQ(Header(r, "WWW-Authenticate"), "") << proxy;
  }
  EXPECT_EQ(Events().size(), before);
}

TEST_F(ForwardAuthTest, TheRequestToldTwoWaysIsRefused) {
  std::string token = NewToken(R"(["repo:read"])");
  // Behind Traefik, a client adds nginx's headers to pass a push off as a fetch.
  ApiReply mixed = Call("GET", "/api/auth/forward", Basic(token), std::nullopt,
                        {{"X-Wit-Service-Credential", edge_},
                         {"X-Forwarded-Method", "POST"},
                         {"X-Forwarded-Uri", "/t.git/git-receive-pack"},
                         {"X-Original-Method", "GET"},
                         {"X-Original-URI", "/t.git/info/refs?service=git-upload-pack"}});
  EXPECT_EQ(mixed.status, 403) << mixed.body;
  EXPECT_EQ(Uses().back().reason, "bad_original_request");
  // Behind Envoy, the same with the path below the endpoint.
  ApiReply envoy =
      Call("POST", "/api/auth/forward/t.git/git-receive-pack", Basic(token), std::nullopt,
           {{"X-Wit-Service-Credential", edge_},
            {"X-Original-Method", "GET"},
            {"X-Original-URI", "/t.git/info/refs?service=git-upload-pack"}});
  EXPECT_EQ(envoy.status, 403) << envoy.body;
}

TEST_F(ForwardAuthTest, TraefikAndEnvoyTellTheRequestTheirWay) {
  std::string token = NewToken(R"(["repo:write"])");
  // Traefik: X-Forwarded-Method / X-Forwarded-Uri, the client last in X-Forwarded-For.
  ApiReply traefik = Call("GET", "/api/auth/forward", Basic(token), std::nullopt,
                          {{"X-Wit-Service-Credential", "Bearer " + edge_},
                           {"X-Forwarded-Method", "POST"},
                           {"X-Forwarded-Uri", "/t.git/git-receive-pack"},
                           {"X-Forwarded-For", "10.9.9.9, 203.0.113.5"}});
  EXPECT_EQ(traefik.status, 200) << traefik.body;
  EXPECT_EQ(Uses().back().ip, "203.0.113.5");
  EXPECT_EQ(Uses().back().action, "git.push");
  // Envoy: the original method, and the original path below the prefix.
  ApiReply envoy = Call("POST", "/api/auth/forward/e.git/git-upload-pack", Basic(token),
                        std::nullopt, {{"X-Wit-Service-Credential", edge_}});
  EXPECT_EQ(envoy.status, 200) << envoy.body;
  EXPECT_EQ(Uses().back().resource, "e.git");
  ApiReply envoy_refs = Call("GET", "/api/auth/forward/e.git/info/refs?service=git-upload-pack",
                             Basic(token), std::nullopt, {{"X-Wit-Service-Credential", edge_}});
  EXPECT_EQ(envoy_refs.status, 200) << envoy_refs.body;
  EXPECT_EQ(Uses().back().action, "git.fetch");
}

TEST(AuthRulesTest, ARulesFileComesBeforeTheGitRules) {
  StatusOr<AuthRules> rules = AuthRules::Parse(
      R"({"rules":[{"method":"GET","path":"/api/**","scope":"repo:read","action":"api.read"},
                   {"method":"*","path":"/admin/*","scope":"repo:admin","action":"admin"}]})");
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  auto match = rules->Match({"GET", "/api/v1/x", ""});
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->action, "api.read");
  EXPECT_EQ(match->resource, "api/v1/x");
  EXPECT_FALSE(rules->Match({"POST", "/api/v1/x", ""}).has_value());
  EXPECT_EQ(rules->Match({"DELETE", "/admin/x", ""})->scope, "repo:admin");
  EXPECT_FALSE(rules->Match({"DELETE", "/admin/x/y", ""}).has_value());
  EXPECT_EQ(rules->Match({"POST", "/r.git/git-upload-pack", ""})->action, "git.fetch");
  for (const char* bad :
       {"", "{}", R"({"rules":{}})", R"({"rules":[1]})",
        R"({"rules":[{"method":"GET","path":"/x","scope":"repo:read"}]})",
        R"({"rules":[{"method":"get","path":"/x","scope":"repo:read","action":"a"}]})",
        R"({"rules":[{"method":"GET","path":"x","scope":"repo:read","action":"a"}]})",
        R"({"rules":[{"method":"GET","path":"/x","scope":"repo:all","action":"a"}]})"}) {
    EXPECT_FALSE(AuthRules::Parse(bad).ok()) << bad;
  }
  EXPECT_TRUE(AuthRules::Parse(R"({"rules":[]})").ok());
}

TEST(FormBodyTest, FieldsEscapesAndRepeats) {
  StatusOr<FormFields> f = ParseFormBody("token=wit_a%2Bb+c&&=x&flag&other=1&other=2", {"token"});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->at("token"), "wit_a+b c");
  EXPECT_EQ(f->at("flag"), "");
  EXPECT_EQ(f->at("other"), "1");  // not ours: the first is kept
  EXPECT_EQ(f->count(""), 0u);
  EXPECT_FALSE(ParseFormBody("token=a&token=b", {"token"}).ok());
  EXPECT_FALSE(ParseFormBody("token=%4", {}).ok());
  EXPECT_FALSE(ParseFormBody("token=%00", {}).ok());
  EXPECT_FALSE(ParseFormBody("=%00", {}).ok());  // skipped, but still no NUL
  EXPECT_TRUE(ParseFormBody("", {})->empty());
  EXPECT_TRUE(IsFormContentType("application/x-www-form-urlencoded; charset=UTF-8"));
  EXPECT_TRUE(IsFormContentType("Application/X-WWW-Form-Urlencoded"));
  EXPECT_FALSE(IsFormContentType("application/x-www-form-urlencodedx"));
  EXPECT_FALSE(IsFormContentType("application/json"));
}

TEST(ForwardHeadersTest, PathsAndClients) {
  EXPECT_EQ(*NormalizePath("/a/./b/../c//d"), "/a/c/d");
  EXPECT_EQ(*NormalizePath("/a%2Fb"), "/a/b");
  EXPECT_EQ(*NormalizePath("/a/b/.."), "/a/");
  EXPECT_EQ(*NormalizePath("/"), "/");
  EXPECT_FALSE(NormalizePath("/..").ok());
  EXPECT_FALSE(NormalizePath("/a/%2e%2e/%2e%2e").ok());
  EXPECT_FALSE(NormalizePath("a").ok());
  EXPECT_FALSE(NormalizePath("/a%00").ok());
  ForwardHeaders h;
  h.forwarded_for = "1.2.3.4, not-an-ip";
  EXPECT_EQ(ForwardedClient(h), "");
  h.forwarded_for = "1.2.3.4,2001:db8::1";
  EXPECT_EQ(ForwardedClient(h), "2001:db8::1");
  h.real_ip = " 192.0.2.1 ";
  EXPECT_EQ(ForwardedClient(h), "192.0.2.1");
  ForwardHeaders lower;
  lower.original_method = "get";
  lower.original_uri = "/x";
  EXPECT_FALSE(ReadOriginalRequest(lower, "GET", "/api/auth/forward").ok());
  EXPECT_EQ(ReadOriginalRequest({}, "PUT", "/api/auth/forward")->path, "/");
}

}  // namespace
}  // namespace wit
