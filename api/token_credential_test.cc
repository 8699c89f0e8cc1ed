// A personal access token as the caller's credential on the token API: within its scopes,
// recorded as a use, never beyond its own scopes, refused with 401 when it is not active.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "api/api_routes_fixture_for_test.h"
#include "api/credentials.h"
#include "tests/test_json.h"
#include "token/token.h"

namespace wit {
namespace {

using wit::testing::Json;

TEST_F(ApiRoutesTest, ATokenActsAsItsOwnerWithinItsScopes) {
  std::string reader = "Bearer " + NewToken(R"(["user:read"])");
  std::string writer = "Bearer " + NewToken(R"(["user:write","repo:read"])");

  ApiReply list = Call("GET", "/api/tokens", reader);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(Json::Parse(list.body).Array("tokens").size(), 2u);  // alice's two tokens

  ApiReply self = Call("GET", "/api/tokens/self", reader);
  ASSERT_EQ(self.status, 200) << self.body;
  Json me = Json::Parse(self.body);
  EXPECT_EQ(me.Str("userId"), "alice");
  EXPECT_EQ(me.Str("status"), "active");
  EXPECT_FALSE(me.Has("token"));
  EXPECT_FALSE(me.Has("tokenHash"));

  // user:read lists and shows, but cannot create or revoke; the error names the fix.
  ApiReply create = Call("POST", "/api/tokens", reader, R"({"name":"x","scopes":["repo:read"]})");
  EXPECT_EQ(create.status, 403);
  EXPECT_NE(create.body.find("this token lacks user:write (wit token create NAME --scopes "
                             "user:write)"),
            std::string::npos)
      << create.body;
  std::string id = me.Str("id");
  EXPECT_EQ(Call("GET", "/api/tokens/" + id, reader).status, 200);
  EXPECT_EQ(Call("DELETE", "/api/tokens/" + id, reader).status, 403);

  // user:write implies user:read, and creates within its own scopes only.
  EXPECT_EQ(Call("GET", "/api/tokens", writer).status, 200);
  ApiReply within = Call("POST", "/api/tokens", writer, R"({"name":"x","scopes":["repo:read"]})");
  EXPECT_EQ(within.status, 201) << within.body;
  ApiReply beyond = Call("POST", "/api/tokens", writer, R"({"name":"x","scopes":["repo:write"]})");
  EXPECT_EQ(beyond.status, 403) << beyond.body;
  EXPECT_NE(beyond.body.find("beyond its own: it lacks repo:write"), std::string::npos);
  // The default scopes (repo:read, repo:write) are beyond it too.
  EXPECT_EQ(Call("POST", "/api/tokens", writer, R"({"name":"x"})").status, 403);
  ApiReply admin = Call("POST", "/api/tokens", writer, R"({"name":"x","scopes":["user:write"]})");
  EXPECT_EQ(admin.status, 201) << admin.body;
  // Its owner's tokens are its own: another user's session sees none of them.
  EXPECT_EQ(Json::Parse(Call("GET", "/api/tokens", alice_).body).Array("tokens").size(), 4u);

  // A token revokes (itself too), and is refused from then on.
  ApiReply gone = Call("DELETE", "/api/tokens/" + id, writer);
  EXPECT_EQ(gone.status, 200) << gone.body;
  ApiReply after = Call("GET", "/api/tokens", reader);
  EXPECT_EQ(after.status, 401);
  EXPECT_NE(after.body.find("the token is revoked"), std::string::npos) << after.body;
}

TEST_F(ApiRoutesTest, AnExpiringTokenCannotCreateOneThatOutlivesIt) {
  std::string parent = "Bearer " + NewToken(R"(["user:write"])", R"(,"expiresInDays":30)");
  // Created a moment ago, it has 29 whole days left once a millisecond has passed: in the
  // millisecond it was created in, it has exactly 30.
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ApiReply forever = Call("POST", "/api/tokens", parent, R"({"name":"x","scopes":["user:read"]})");
  EXPECT_EQ(forever.status, 403) << forever.body;
  EXPECT_NE(forever.body.find("give expiresInDays of at most 29"), std::string::npos)
      << forever.body;
  EXPECT_EQ(Call("POST", "/api/tokens", parent,
                 R"({"name":"x","scopes":["user:read"],"expiresInDays":30})")
                .status,
            403);
  EXPECT_EQ(Call("POST", "/api/tokens", parent,
                 R"({"name":"x","scopes":["user:read"],"expiresInDays":29})")
                .status,
            201);
  // A token that never expires is bound by its scopes only.
  std::string lasting = "Bearer " + NewToken(R"(["user:write"])");
  EXPECT_EQ(Call("POST", "/api/tokens", lasting, R"({"name":"x","scopes":["user:read"]})").status,
            201);
}

TEST_F(ApiRoutesTest, EachCallWithATokenIsRecordedAsAUse) {
  std::string plaintext = NewToken(R"(["user:read"])");
  std::string reader = "Bearer " + plaintext;
  ASSERT_EQ(Call("GET", "/api/tokens", reader).status, 200);
  ASSERT_EQ(Call("POST", "/api/tokens", reader, R"({"name":"x","scopes":["user:read"]})").status,
            403);
  std::vector<Event> uses = Uses();
  ASSERT_EQ(uses.size(), 2u);
  EXPECT_EQ(uses[0].service, "wit-api");
  EXPECT_EQ(uses[0].action, "tokens.list");
  EXPECT_EQ(uses[0].scope, "user:read");
  EXPECT_EQ(uses[0].outcome, "allowed");
  EXPECT_EQ(uses[0].ip, "192.0.2.7");
  EXPECT_EQ(uses[1].action, "tokens.create");
  EXPECT_EQ(uses[1].outcome, "denied");
  EXPECT_EQ(uses[1].reason, "insufficient_scope");
  // The plaintext is in no event.
  for (const Event& e : Events()) {
    for (const auto* field : {&e.name, &e.token_hash, &e.user_id}) {
      EXPECT_EQ(field->find(plaintext), std::string::npos);
    }
  }
  // The projector applies the uses in its own time: the token's last use shows up.
  bool seen = false;
  for (int i = 0; i < 500 && !seen; ++i) {
    seen = view_->GetByHash(HashToken(plaintext))->last_used_at.has_value();
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(seen);
}

TEST_F(ApiRoutesTest, ATokenThatIsNotActiveIs401AndNeverReadAsASession) {
  std::string unknown = "wit_AAAAAAAA_" + std::string(32, 'A');
  unknown += Base62Fixed(Crc32(unknown), kTokenChecksumLength);
  ASSERT_TRUE(CheckTokenFormat(unknown).ok());
  std::string expired_plain = NewToken(R"(["user:read"])");
  for (const auto& [label, auth] : std::vector<std::pair<std::string, std::string>>{
           {"malformed", "Bearer wit_notatoken"},
           {"bad checksum", "Bearer " + unknown.substr(0, unknown.size() - 1) + "x"},
           {"unknown", "Bearer " + unknown}}) {
    ApiReply r = Call("GET", "/api/tokens", auth);
    EXPECT_EQ(r.status, 401) << label << ": " << r.body;
    EXPECT_EQ(ErrorCode(r), "unauthenticated") << label;
    EXPECT_EQ(r.body.find("session"), std::string::npos) << label << ": " << r.body;
  }
  // A session is not a token: /self is for tokens, and says so.
  EXPECT_EQ(Call("GET", "/api/tokens/self", alice_).status, 400);
  EXPECT_EQ(Call("GET", "/api/tokens/self").status, 401);
  EXPECT_EQ(Call("DELETE", "/api/tokens/self", "Bearer " + expired_plain).status, 405);
  // A token cannot verify tokens: that is a service's credential.
  EXPECT_EQ(
      Call("POST", "/api/tokens/verify", "Bearer " + expired_plain, R"({"token":"x"})").status,
      401);
}

TEST(ParseAuthorizationTest, BearerAndBasicInAnyCase) {
  StatusOr<PresentedCredential> bearer = ParseAuthorization("bearer wit_x");
  ASSERT_TRUE(bearer.ok());
  EXPECT_EQ(bearer->scheme, PresentedCredential::Scheme::kBearer);
  EXPECT_EQ(bearer->secret, "wit_x");
  // "git:wit_abc" as git sends a token in Basic.
  StatusOr<PresentedCredential> basic = ParseAuthorization("Basic Z2l0OndpdF9hYmM=");
  ASSERT_TRUE(basic.ok()) << basic.status().ToString();
  EXPECT_EQ(basic->scheme, PresentedCredential::Scheme::kBasic);
  EXPECT_EQ(basic->username, "git");
  EXPECT_EQ(basic->secret, "wit_abc");
  // A password may hold a colon; only the first one splits.
  StatusOr<PresentedCredential> colon = ParseAuthorization("BASIC dTphOmI=");  // u:a:b
  ASSERT_TRUE(colon.ok());
  EXPECT_EQ(colon->secret, "a:b");
  EXPECT_EQ(ParseAuthorization("")->scheme, PresentedCredential::Scheme::kNone);
  for (const char* bad : {"Bearer ", "Bearer", "Basic !!!", "Basic dXNlcg==", "Basic dTo=",
                          "Digest x", "Bearerwit_x", "Bearer a\tb"}) {
    StatusOr<PresentedCredential> r = ParseAuthorization(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << bad;
    }
  }
  EXPECT_TRUE(IsPersonalAccessToken("wit_abc"));
  EXPECT_FALSE(IsPersonalAccessToken("eyJhbGciOi"));
}

TEST_F(ApiRoutesTest, ATokensLimitsAreInheritedByWhatItCreatesOrRotates) {
  std::string limited =
      "Bearer " + NewToken(R"(["user:write","repo:read"])",
                           R"(,"resources":["acme/*"],"allowedIps":["192.0.2.0/24"])");
  std::string sibling = NewToken(R"(["repo:read"])");  // no limits at all
  auto create = [&](const std::string& body) { return Call("POST", "/api/tokens", limited, body); };

  // Omitted limits are the creator's, never none.
  ApiReply inherited = create(R"({"name":"child","scopes":["repo:read"]})");
  ASSERT_EQ(inherited.status, 201) << inherited.body;
  Json child = Json::Parse(inherited.body);
  EXPECT_EQ(child.Strings("resources"), std::vector<std::string>{"acme/*"}) << inherited.body;
  EXPECT_EQ(child.Strings("allowedIps"), std::vector<std::string>{"192.0.2.0/24"});
  // Narrower limits are fine; wider ones are refused, each by name.
  EXPECT_EQ(create(R"({"name":"c","scopes":["repo:read"],"resources":["acme/widgets"],)"
                   R"("allowedIps":["192.0.2.7"]})")
                .status,
            201);
  ApiReply wide_ips = create(R"({"name":"c","scopes":["repo:read"],"allowedIps":["0.0.0.0/0"]})");
  EXPECT_EQ(wide_ips.status, 403) << wide_ips.body;
  EXPECT_NE(wide_ips.body.find("allowedIps beyond its own: 0.0.0.0/0"), std::string::npos);
  ApiReply wide_resources = create(R"({"name":"c","scopes":["repo:read"],"resources":["**"]})");
  EXPECT_EQ(wide_resources.status, 403) << wide_resources.body;
  EXPECT_NE(wide_resources.body.find("resources beyond its own: **"), std::string::npos);

  // Rotating an unlimited sibling would hand over an unlimited token: refused.
  ApiReply self = Call("GET", "/api/tokens/self", "Bearer " + sibling);
  std::string sibling_id = Json::Parse(self.body).Str("id");
  ApiReply rotate = Call("POST", "/api/tokens/" + sibling_id + "/rotate", limited, "{}");
  EXPECT_EQ(rotate.status, 403) << rotate.body;
  // A sibling within its limits rotates, and keeps them.
  ApiReply narrow = Call("POST", "/api/tokens/" + child.Str("id") + "/rotate", limited, "{}");
  EXPECT_EQ(narrow.status, 200) << narrow.body;
  EXPECT_EQ(Json::Parse(narrow.body).Strings("resources"), std::vector<std::string>{"acme/*"});
}

TEST_F(ApiRoutesTest, ATokenInAUseIsRedactedBeforeItReachesTheLog) {
  std::string token = NewToken(R"(["repo:read"])");
  std::string careless = NewToken(R"(["repo:read"])");  // pasted where it does not belong
  ApiReply v = Call("POST", "/api/tokens/verify", git_,
                    R"({"token":")" + token + R"(","userAgent":"ci )" + careless +
                        R"(","resource":"acme/)" + careless + R"(","action":"git.fetch"})");
  ASSERT_EQ(v.status, 200) << v.body;
  std::string prefix(TokenPrefix(careless));
  bool seen = false;
  std::unique_ptr<LogReader> reader = std::move(*log_->OpenReader({}));
  std::vector<LogRecord> records;
  ASSERT_TRUE(reader->Read(1000, std::chrono::milliseconds(0), &records).ok());
  for (const LogRecord& r : records) {
    EXPECT_EQ(r.payload.find(careless), std::string::npos) << r.payload;
    if (r.payload.find("ci wit_" + prefix + "_[REDACTED]") != std::string::npos) {
      seen = true;
      EXPECT_NE(r.payload.find("acme/wit_" + prefix + "_[REDACTED]"), std::string::npos);
    }
  }
  EXPECT_TRUE(seen);
  EXPECT_EQ(metrics_.Value("wit_redacted_total", {{"field", "userAgent"}}), 1u);
  EXPECT_EQ(metrics_.Value("wit_redacted_total", {{"field", "resource"}}), 1u);
}

}  // namespace
}  // namespace wit
