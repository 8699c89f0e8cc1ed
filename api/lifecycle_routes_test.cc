// The lifecycle features GitHub's and GitLab's token users rely on, through the routes: rotation
// with reuse detection, limits on where and on what a token is used, the lifetime policy and
// the lists of what is about to lapse.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "api/api_routes_fixture_for_test.h"
#include "tests/test_json.h"
#include "token/token.h"

namespace wit {
namespace {

using wit::testing::Json;

class LifecycleRoutesTest : public ApiRoutesTest {
 protected:
  Json Created(const std::string& body) {
    ApiReply r = Call("POST", "/api/tokens", alice_, body);
    EXPECT_EQ(r.status, 201) << r.body;
    return Json::Parse(r.body);
  }

  // Revocations returns the token.revoked events of `id`.
  std::vector<Event> Revocations(const std::string& id) {
    std::vector<Event> out;
    for (Event& e : Events()) {
      if (e.type == EventType::kRevoked && e.token_id == id) out.push_back(std::move(e));
    }
    return out;
  }

  Event Creation(const std::string& id) {
    for (Event& e : Events()) {
      if (e.type == EventType::kCreated && e.token_id == id) return e;
    }
    ADD_FAILURE() << "no creation of " << id;
    return {};
  }

  Json Verify(const std::string& token, const std::string& extra = "") {
    ApiReply r =
        Call("POST", "/api/tokens/verify", git_, R"({"token":")" + token + "\"" + extra + "}");
    EXPECT_EQ(r.status, 200) << r.body;
    return Json::Parse(r.body);
  }
};

TEST_F(LifecycleRoutesTest, RotationReplacesATokenAndRevokesTheOld) {
  Json old = Created(R"({"name":"ci","scopes":["repo:read"],"expiresInDays":30,)"
                     R"("allowedIps":["10.0.0.0/8"],"resources":["acme/*"]})");
  std::string old_id = old.Str("id");

  ApiReply r = Call("POST", "/api/tokens/" + old_id + "/rotate", alice_, R"({"expiresInDays":7})");
  ASSERT_EQ(r.status, 200) << r.body;
  Json fresh = Json::Parse(r.body);
  EXPECT_NE(fresh.Str("id"), old_id);
  EXPECT_EQ(fresh.Str("name"), "ci");
  EXPECT_EQ(fresh.Strings("scopes"), std::vector<std::string>{"repo:read"});
  EXPECT_EQ(fresh.Strings("allowedIps"), std::vector<std::string>{"10.0.0.0/8"});
  EXPECT_EQ(fresh.Strings("resources"), std::vector<std::string>{"acme/*"});
  EXPECT_EQ(fresh.Str("rotatedFrom"), old_id);
  EXPECT_TRUE(CheckTokenFormat(fresh.Str("token")).ok());
  StatusOr<TimeMs> expires = ParseRfc3339(fresh.Str("expiresAt"));
  ASSERT_TRUE(expires.ok());
  EXPECT_NEAR(static_cast<double>(*expires - NowMs()), 7.0 * kMsPerDay, 60'000.0);

  // Both are in the view when the answer comes: read-your-writes.
  Json gone = Json::Parse(Call("GET", "/api/tokens/" + old_id, alice_).body);
  EXPECT_EQ(gone.Str("status"), "revoked");
  EXPECT_EQ(gone.Str("revokedReason"), "rotated");
  EXPECT_EQ(Json::Parse(Call("GET", "/api/tokens/" + fresh.Str("id"), alice_).body).Str("status"),
            "active");

  // The events say so, and the new token carries the family.
  Event created = Creation(fresh.Str("id"));
  EXPECT_EQ(created.rotated_from, old_id);
  EXPECT_EQ(created.family_id, old_id);
  std::vector<Event> revoked = Revocations(old_id);
  ASSERT_EQ(revoked.size(), 1u);
  EXPECT_EQ(revoked[0].reason, "rotated");
  EXPECT_EQ(revoked[0].revoked_by, "alice");

  // Without an expiry asked for, the new token gets as long as the old one was given.
  ApiReply again = Call("POST", "/api/tokens/" + fresh.Str("id") + "/rotate", alice_);
  ASSERT_EQ(again.status, 200) << again.body;
  Json third = Json::Parse(again.body);
  StatusOr<TimeMs> third_expires = ParseRfc3339(third.Str("expiresAt"));
  ASSERT_TRUE(third_expires.ok());
  EXPECT_NEAR(static_cast<double>(*third_expires - NowMs()), 7.0 * kMsPerDay, 60'000.0);
  EXPECT_EQ(Creation(third.Str("id")).family_id, old_id) << "the family is its first token's";
}

TEST_F(LifecycleRoutesTest, RotatingARotatedTokenAgainRevokesItsWholeFamily) {
  Json first = Created(R"({"name":"deploy","scopes":["repo:read"]})");
  std::string first_token = "Bearer " + first.Str("token");
  // A token rotates itself; the thief kept a copy of the old one.
  ApiReply rotated = Call("POST", "/api/tokens/self/rotate", first_token);
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  Json second = Json::Parse(rotated.body);
  std::string second_token = "Bearer " + second.Str("token");
  EXPECT_EQ(Call("GET", "/api/tokens/self", second_token).status, 200);
  Json other = Created(R"({"name":"laptop","scopes":["repo:read"]})");  // another family

  // The old token again: a reuse. Its whole family goes, the other family stays.
  ApiReply reuse = Call("POST", "/api/tokens/self/rotate", first_token);
  EXPECT_EQ(reuse.status, 401) << reuse.body;
  EXPECT_EQ(ErrorCode(reuse), "unauthenticated");
  EXPECT_NE(reuse.body.find("reuse"), std::string::npos) << reuse.body;
  EXPECT_EQ(Call("GET", "/api/tokens/self", second_token).status, 401);
  std::vector<Event> revoked = Revocations(second.Str("id"));
  ASSERT_EQ(revoked.size(), 1u);
  EXPECT_EQ(revoked[0].reason, "reuse_detected");
  EXPECT_EQ(Json::Parse(Call("GET", "/api/tokens/" + other.Str("id"), alice_).body).Str("status"),
            "active");

  // By id, with a session, the same: the rotated-away token is a reuse, answered 401.
  Json a = Created(R"({"name":"a","scopes":["repo:read"]})");
  Json b = Json::Parse(Call("POST", "/api/tokens/" + a.Str("id") + "/rotate", alice_).body);
  EXPECT_EQ(Call("POST", "/api/tokens/" + a.Str("id") + "/rotate", alice_).status, 401);
  EXPECT_EQ(
      Json::Parse(Call("GET", "/api/tokens/" + b.Str("id"), alice_).body).Str("revokedReason"),
      "reuse_detected");

  // Only rotation detects reuse: using or revoking a rotated-away token revokes nothing more.
  Json c = Created(R"({"name":"c","scopes":["repo:read"]})");
  Json d = Json::Parse(Call("POST", "/api/tokens/" + c.Str("id") + "/rotate", alice_).body);
  EXPECT_FALSE(Verify(c.Str("token")).Bool("active"));
  EXPECT_EQ(Call("GET", "/api/tokens/self", "Bearer " + c.Str("token")).status, 401);
  EXPECT_TRUE(Verify(d.Str("token")).Bool("active"));
}

TEST_F(LifecycleRoutesTest, RotationRefusesWhatCannotBeRotated) {
  Json t = Created(R"({"name":"x","scopes":["repo:read"]})");
  ASSERT_EQ(Call("DELETE", "/api/tokens/" + t.Str("id"), alice_).status, 200);
  ApiReply revoked = Call("POST", "/api/tokens/" + t.Str("id") + "/rotate", alice_);
  EXPECT_EQ(revoked.status, 409) << revoked.body;  // revoked by hand: no reuse, no rotation
  EXPECT_EQ(Call("POST", "/api/tokens/" + NewUuid() + "/rotate", alice_).status, 404);
  EXPECT_EQ(Call("POST", "/api/tokens/not-an-id/rotate", alice_).status, 404);
  EXPECT_EQ(Call("GET", "/api/tokens/" + t.Str("id") + "/rotate", alice_).status, 405);
  EXPECT_EQ(Call("POST", "/api/tokens/self/rotate", alice_).status, 400) << "a session is no token";
  EXPECT_EQ(Call("POST", "/api/tokens/self/rotate", "").status, 401);
  Json u = Created(R"({"name":"y","scopes":["repo:read"]})");
  EXPECT_EQ(Call("POST", "/api/tokens/" + u.Str("id") + "/rotate", alice_, "[1]").status, 400);
  EXPECT_EQ(Call("POST", "/api/tokens/" + u.Str("id") + "/rotate", alice_, R"({"expiresInDays":0})")
                .status,
            400);
  // A token rotating another needs user:write, and gets no more than its own scopes.
  std::string reader = "Bearer " + NewToken(R"(["user:read","repo:read"])");
  EXPECT_EQ(Call("POST", "/api/tokens/" + u.Str("id") + "/rotate", reader).status, 403);
  std::string writer = "Bearer " + NewToken(R"(["user:write"])");
  EXPECT_EQ(Call("POST", "/api/tokens/" + u.Str("id") + "/rotate", writer).status, 403);
}

TEST_F(LifecycleRoutesTest, LimitsDenyUsesFromElsewhereAndOnOtherResources) {
  Json t = Created(R"({"name":"ci","scopes":["repo:read","user:read"],)"
                   R"("allowedIps":["10.0.0.0/8","2001:db8::/32"],"resources":["acme/*"]})");
  std::string token = t.Str("token");
  EXPECT_TRUE(Verify(token, R"(,"ip":"10.1.2.3","resource":"acme/widgets.git")").Bool("active"));
  EXPECT_TRUE(Verify(token, R"(,"ip":"2001:db8::9")").Bool("active"));
  EXPECT_EQ(Verify(token, R"(,"ip":"192.0.2.1")").Str("reason"), "ip_not_allowed");
  EXPECT_EQ(Verify(token).Str("reason"), "ip_not_allowed") << "no address, no proof";
  EXPECT_EQ(Verify(token, R"(,"ip":"10.0.0.1","resource":"evil/repo")").Str("reason"),
            "resource_not_allowed");
  std::vector<Event> uses = Uses();
  ASSERT_GE(uses.size(), 5u);
  EXPECT_EQ(uses.back().outcome, "denied");
  EXPECT_EQ(uses.back().reason, "resource_not_allowed");

  // On the API the caller's address counts (the fixture's is 192.0.2.7): refused, 403.
  ApiReply api = Call("GET", "/api/tokens", "Bearer " + token);
  EXPECT_EQ(api.status, 403) << api.body;
  EXPECT_NE(api.body.find("allowedIps"), std::string::npos) << api.body;

  // Forward auth: the client is the proxy's X-Real-IP, the resource the repository's path.
  std::map<std::string, std::string> headers = {
      {"X-Wit-Service-Credential", git_},
      {"X-Original-Method", "GET"},
      {"X-Original-URI", "/acme/widgets.git/info/refs?service=git-upload-pack"},
      {"X-Real-IP", "10.9.9.9"}};
  EXPECT_EQ(Call("GET", "/api/auth/forward", "Bearer " + token, std::nullopt, headers).status, 200);
  headers["X-Original-URI"] = "/other/repo.git/info/refs?service=git-upload-pack";
  ApiReply other = Call("GET", "/api/auth/forward", "Bearer " + token, std::nullopt, headers);
  EXPECT_EQ(other.status, 403) << other.body;
  EXPECT_NE(other.body.find("resources"), std::string::npos) << other.body;
  headers["X-Original-URI"] = "/acme/widgets.git/info/refs?service=git-upload-pack";
  headers["X-Real-IP"] = "198.51.100.1";
  ApiReply outside = Call("GET", "/api/auth/forward", "Bearer " + token, std::nullopt, headers);
  EXPECT_EQ(outside.status, 403) << outside.body;

  // Introspection names no client address: an address-bound token is inactive there.
  ApiReply introspect = Call("POST", "/oauth/introspect", git_, "token=" + token,
                             {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(introspect.body, R"({"active":false})");
}

TEST_F(LifecycleRoutesTest, BadLimitsAreRefusedNamingTheEntry) {
  for (const char* body :
       {R"({"name":"x","allowedIps":[]})", R"({"name":"x","allowedIps":["10.0.0.1/8"]})",
        R"({"name":"x","allowedIps":["example.com"]})", R"({"name":"x","allowedIps":"10.0.0.0/8"})",
        R"({"name":"x","resources":["/acme/*"]})", R"({"name":"x","resources":[]})",
        R"({"name":"x","resources":[1]})"}) {
    ApiReply r = Call("POST", "/api/tokens", alice_, body);
    EXPECT_EQ(r.status, 400) << body << " " << r.body;
    EXPECT_EQ(ErrorCode(r), "invalid_argument");
  }
  ApiReply r = Call("POST", "/api/tokens", alice_,
                    R"({"name":"x","allowedIps":["10.0.0.0/8","10.0.0.1/8"]})");
  EXPECT_NE(r.body.find("allowedIps[1]"), std::string::npos) << r.body;
  // Entries are written canonically, once.
  Json t = Created(R"({"name":"x","allowedIps":["2001:DB8::/32","2001:db8::/32","10.0.0.7"]})");
  EXPECT_EQ(t.Strings("allowedIps"), (std::vector<std::string>{"2001:db8::/32", "10.0.0.7/32"}));
  EXPECT_TRUE(t.IsNull("resources"));
}

TEST_F(LifecycleRoutesTest, TheLifetimePolicyBoundsExpiries) {
  service_->SetLifetimePolicy({30, false});
  ApiReply longer = Call("POST", "/api/tokens", alice_, R"({"name":"x","expiresInDays":31})");
  EXPECT_EQ(longer.status, 400);
  EXPECT_NE(longer.body.find("between 1 and 30 (this server's maximum lifetime)"),
            std::string::npos)
      << longer.body;
  Json defaulted = Created(R"({"name":"x"})");
  StatusOr<TimeMs> expires = ParseRfc3339(defaulted.Str("expiresAt"));
  ASSERT_TRUE(expires.ok()) << "without an expiry, the maximum";
  EXPECT_NEAR(static_cast<double>(*expires - NowMs()), 30.0 * kMsPerDay, 60'000.0);

  service_->SetLifetimePolicy({std::nullopt, true});
  ApiReply none = Call("POST", "/api/tokens", alice_, R"({"name":"x"})");
  EXPECT_EQ(none.status, 400);
  EXPECT_NE(none.body.find("requires an expiry"), std::string::npos) << none.body;
  Created(R"({"name":"x","expiresInDays":3650})");

  // Rotation is held to the policy too.
  service_->SetLifetimePolicy({});
  Json forever = Created(R"({"name":"forever"})");
  service_->SetLifetimePolicy({90, true});
  ApiReply rotated = Call("POST", "/api/tokens/" + forever.Str("id") + "/rotate", alice_);
  EXPECT_EQ(rotated.status, 400) << rotated.body;
  EXPECT_EQ(Call("POST", "/api/tokens/" + forever.Str("id") + "/rotate", alice_,
                 R"({"expiresInDays":90})")
                .status,
            200);
}

TEST_F(LifecycleRoutesTest, ListsWhatIsAboutToLapseAndTheLastAddresses) {
  Created(R"({"name":"soon","expiresInDays":3})");
  Created(R"({"name":"later","expiresInDays":30})");
  Created(R"({"name":"never"})");
  ApiReply r = Call("GET", "/api/tokens?expiringWithin=7d", alice_);
  ASSERT_EQ(r.status, 200) << r.body;
  std::vector<Json> tokens = Json::Parse(r.body).Array("tokens");
  ASSERT_EQ(tokens.size(), 1u) << r.body;
  EXPECT_EQ(tokens[0].Str("name"), "soon");
  EXPECT_EQ(Json::Parse(Call("GET", "/api/tokens?expiringWithin=720h", alice_).body)
                .Array("tokens")
                .size(),
            2u);
  for (const char* bad : {"0d", "7w", "", "-1", "9999999d"}) {
    EXPECT_EQ(Call("GET", std::string("/api/tokens?expiringWithin=") + bad, alice_).status, 400)
        << bad;
  }

  std::string token = NewToken(R"(["repo:read"])");
  for (const char* ip :
       {"10.0.0.1", "10.0.0.2", "10.0.0.1", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"}) {
    EXPECT_TRUE(Verify(token, std::string(R"(,"ip":")") + ip + "\"").Bool("active"));
  }
  // The projector applies uses in its own time; the five latest addresses, newest first.
  std::vector<std::string> want = {"10.0.0.6", "10.0.0.5", "10.0.0.4", "10.0.0.3", "10.0.0.1"};
  std::vector<std::string> seen;
  for (int i = 0; i < 500 && seen != want; ++i) {
    seen = view_->GetByHash(HashToken(token))->last_used_ips;
    if (seen != want) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(seen, want);
  std::string id = view_->GetByHash(HashToken(token))->id;
  EXPECT_EQ(Json::Parse(Call("GET", "/api/tokens/" + id, alice_).body).Strings("lastUsedIps"),
            want);
}

}  // namespace
}  // namespace wit
