// The admin routes: a security team lists, revokes and identifies any user's tokens with an
// admin session, and every action is on record.
#include <gtest/gtest.h>

#include <algorithm>

#include "api/api_routes_fixture_for_test.h"
#include "tests/test_json.h"
#include "token/token.h"

namespace wit {
namespace {

using wit::testing::Json;

class AdminRoutesTest : public ApiRoutesTest {
 protected:
  void SetUp() override {
    ApiRoutesTest::SetUp();
    admin_ = "Bearer " + sessions_.Issue({Principal::Kind::kUser, "root", true}, 600);
    bob_ = "Bearer " + sessions_.Issue({Principal::Kind::kUser, "bob"}, 600);
  }

  Json Make(const std::string& session, const std::string& body) {
    ApiReply r = Call("POST", "/api/tokens", session, body);
    EXPECT_EQ(r.status, 201) << r.body;
    return Json::Parse(r.body);
  }

  std::vector<std::string> ListedIds(const std::string& query) {
    ApiReply r = Call("GET", "/api/admin/tokens" + query, admin_);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> ids;
    for (const Json& t : Json::Parse(r.body).Array("tokens")) ids.push_back(t.Str("id"));
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  static std::vector<std::string> Sorted(std::vector<std::string> ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  std::string admin_, bob_;
};

TEST_F(AdminRoutesTest, OnlyAnAdminSessionReachesThem) {
  std::string token = "Bearer " + NewToken(R"(["user:write"])");
  for (std::string path :
       {"/api/admin/tokens", "/api/admin/tokens/revoke", "/api/admin/tokens/identify"}) {
    std::string method = path == "/api/admin/tokens" ? "GET" : "POST";
    std::optional<std::string> body;
    if (method == "POST") body = R"({"userId":"alice","reason":"x","token":"x"})";
    EXPECT_EQ(Call(method, path, "", body).status, 401) << path;
    EXPECT_EQ(Call(method, path, alice_, body).status, 403) << path << ": a user's session";
    EXPECT_EQ(Call(method, path, git_, body).status, 403) << path << ": a service's";
    EXPECT_EQ(Call(method, path, token, body).status, 403) << path << ": a token, even alice's";
  }
  EXPECT_EQ(Call("POST", "/api/admin/tokens", admin_).status, 405);
  EXPECT_EQ(Call("GET", "/api/admin/tokens/revoke", admin_).status, 405);
  EXPECT_EQ(Call("GET", "/api/admin/nothing", admin_).status, 404);
  // On the user routes an admin session is its own user's, and sees no one else's token.
  Json bobs = Make(bob_, R"({"name":"bob's"})");
  EXPECT_EQ(Call("GET", "/api/tokens/" + bobs.Str("id"), admin_).status, 404);
  EXPECT_EQ(Call("DELETE", "/api/tokens/" + bobs.Str("id"), admin_).status, 404);
  EXPECT_EQ(Call("POST", "/api/tokens/" + bobs.Str("id") + "/rotate", admin_).status, 404);
}

TEST_F(AdminRoutesTest, ListFiltersAcrossUsersAndPages) {
  Json a1 = Make(alice_, R"({"name":"a1","expiresInDays":3})");
  Json a2 = Make(alice_, R"({"name":"a2"})");
  Json b1 = Make(bob_, R"({"name":"b1","expiresInDays":30})");
  ASSERT_EQ(Call("DELETE", "/api/tokens/" + a2.Str("id"), alice_).status, 200);

  EXPECT_EQ(ListedIds(""), Sorted({a1.Str("id"), a2.Str("id"), b1.Str("id")}));
  EXPECT_EQ(ListedIds("?user=alice"), Sorted({a1.Str("id"), a2.Str("id")}));
  EXPECT_EQ(ListedIds("?status=revoked"), std::vector<std::string>{a2.Str("id")});
  EXPECT_EQ(ListedIds("?status=active&user=bob"), std::vector<std::string>{b1.Str("id")});
  EXPECT_EQ(ListedIds("?expiringWithin=7d"), std::vector<std::string>{a1.Str("id")});
  EXPECT_EQ(ListedIds("?prefix=" + b1.Str("prefix")), std::vector<std::string>{b1.Str("id")});
  EXPECT_EQ(ListedIds("?neverUsed=true").size(), 3u);
  EXPECT_EQ(ListedIds("?createdAfter=2999-01-01T00:00:00Z").size(), 0u);
  EXPECT_EQ(ListedIds("?createdBefore=2999-01-01T00:00:00Z").size(), 3u);

  // Pages of two, then one, then the end.
  ApiReply first = Call("GET", "/api/admin/tokens?limit=2", admin_);
  Json page = Json::Parse(first.body);
  ASSERT_EQ(page.Array("tokens").size(), 2u);
  EXPECT_FALSE(page.Array("tokens")[0].Str("userId").empty());
  std::string cursor = page.Str("nextCursor");
  ASSERT_EQ(cursor, page.Array("tokens")[1].Str("id"));
  Json rest = Json::Parse(Call("GET", "/api/admin/tokens?limit=2&cursor=" + cursor, admin_).body);
  ASSERT_EQ(rest.Array("tokens").size(), 1u);
  std::vector<std::string> paged = {page.Array("tokens")[0].Str("id"), cursor,
                                    rest.Array("tokens")[0].Str("id")};
  EXPECT_EQ(Sorted(paged), ListedIds("")) << "the pages hold every token once";
  EXPECT_TRUE(rest.IsNull("nextCursor"));
  EXPECT_FALSE(rest.Array("tokens")[0].Has("token")) << "never a plaintext";
  EXPECT_FALSE(rest.Array("tokens")[0].Has("tokenHash"));

  for (const char* bad :
       {"?status=gone", "?limit=0", "?limit=1001", "?cursor=x", "?createdBefore=yesterday",
        "?neverUsed=yes", "?prefix=short", "?expiringWithin=soon"}) {
    ApiReply r = Call("GET", std::string("/api/admin/tokens") + bad, admin_);
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
  }
}

TEST_F(AdminRoutesTest, RevokeTakesEveryMatchAndNamesTheAdmin) {
  Json a1 = Make(alice_, R"({"name":"a1"})");
  Json a2 = Make(alice_, R"({"name":"a2"})");
  Json b1 = Make(bob_, R"({"name":"b1"})");
  Json b2 = Make(bob_, R"({"name":"b2"})");
  ApiReply r = Call("POST", "/api/admin/tokens/revoke", admin_,
                    R"({"userId":"alice","reason":"offboarding"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json::Parse(r.body).Int("revoked"), 2);
  // The view already holds them: read-your-writes.
  for (const Json* t : {&a1, &a2}) {
    Json now = Json::Parse(Call("GET", "/api/tokens/" + t->Str("id"), alice_).body);
    EXPECT_EQ(now.Str("status"), "revoked");
    EXPECT_EQ(now.Str("revokedReason"), "offboarding");
  }
  int revocations = 0;
  for (const Event& e : Events()) {
    if (e.type != EventType::kRevoked) continue;
    ++revocations;
    EXPECT_EQ(e.revoked_by, "root");
    EXPECT_EQ(e.reason, "offboarding");
    EXPECT_EQ(e.user_id, "alice") << "the event names the token's owner";
  }
  EXPECT_EQ(revocations, 2);
  // Again: nothing left to revoke. By ids, across users, with an unknown id among them.
  EXPECT_EQ(Json::Parse(Call("POST", "/api/admin/tokens/revoke", admin_,
                             R"({"userId":"alice","reason":"again"})")
                            .body)
                .Int("revoked"),
            0);
  ApiReply by_ids = Call("POST", "/api/admin/tokens/revoke", admin_,
                         R"({"ids":[")" + b1.Str("id") + R"(",")" + a1.Str("id") +
                             R"(","not-an-id"],"reason":"leaked"})");
  EXPECT_EQ(Json::Parse(by_ids.body).Int("revoked"), 1) << by_ids.body;
  EXPECT_EQ(Json::Parse(Call("GET", "/api/tokens/" + b2.Str("id"), bob_).body).Str("status"),
            "active");
  EXPECT_EQ(Json::Parse(Call("POST", "/api/admin/tokens/revoke", admin_,
                             R"({"createdBefore":"2999-01-01T00:00:00Z","reason":"incident"})")
                            .body)
                .Int("revoked"),
            1);

  for (const char* bad : {R"({"reason":"no selector"})", R"({"userId":"alice"})",
                          R"({"userId":"alice","reason":""})", R"({"userId":5,"reason":"x"})",
                          R"({"ids":[],"reason":"x"})", R"({"userId":"alice","reason":"a\nb"})",
                          R"({"createdBefore":"soon","reason":"x"})", "[]", "{"}) {
    ApiReply b = Call("POST", "/api/admin/tokens/revoke", admin_, bad);
    EXPECT_EQ(b.status, 400) << bad << " " << b.body;
  }
  // The reason is counted in characters, as the events' JSON Schema counts it: 200 of "é"
  // (400 bytes) fit, 201 do not.
  std::string e200;
  for (int i = 0; i < 200; ++i) e200 += "\xc3\xa9";
  auto revoke_nobody = [&](const std::string& reason) {
    return Call("POST", "/api/admin/tokens/revoke", admin_,
                R"({"userId":"nobody","reason":")" + reason + R"("})")
        .status;
  };
  EXPECT_EQ(revoke_nobody(e200), 200);
  EXPECT_EQ(revoke_nobody(e200 + "\xc3\xa9"), 400);
}

TEST_F(AdminRoutesTest, IdentifyNamesTheOwnerAndIsRecorded) {
  Json b1 = Make(bob_, R"({"name":"b1"})");
  ApiReply r = Call("POST", "/api/admin/tokens/identify", admin_,
                    R"({"token":")" + b1.Str("token") + R"("})");
  ASSERT_EQ(r.status, 200) << r.body;
  Json found = Json::Parse(r.body);
  EXPECT_EQ(found.Str("id"), b1.Str("id"));
  EXPECT_EQ(found.Str("userId"), "bob");
  EXPECT_FALSE(found.Has("token"));
  std::vector<Event> uses = Uses();
  ASSERT_EQ(uses.size(), 1u);
  EXPECT_EQ(uses[0].action, "admin.identify");
  EXPECT_EQ(uses[0].service, "wit-admin");
  EXPECT_EQ(uses[0].resource, "root");
  EXPECT_EQ(uses[0].outcome, "denied") << "an identification is no use: Last Used stays";
  EXPECT_EQ(uses[0].reason, "admin_identify");
  for (const Event& e : Events()) {
    EXPECT_EQ(e.name.find(b1.Str("token")), std::string::npos);
  }

  std::string unknown = GenerateToken().plaintext;
  EXPECT_EQ(Call("POST", "/api/admin/tokens/identify", admin_, R"({"token":")" + unknown + R"("})")
                .status,
            404);
  EXPECT_EQ(Call("POST", "/api/admin/tokens/identify", admin_, R"({"token":"wit_nope"})").status,
            400);
  EXPECT_EQ(Call("POST", "/api/admin/tokens/identify", admin_, R"({})").status, 400);
}

}  // namespace
}  // namespace wit
