#include "cli/token_json.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

const char* kToken =
    R"({"id":"550e8400-e29b-41d4-a716-446655440000","name":"ci","prefix":"AbCdEfGh",
  "scopes":["repo:read","repo:write"],"createdAt":"2026-11-27T22:17:00.000Z",
  "expiresAt":"2026-12-27T22:17:00.000Z","lastUsedAt":null,"revokedAt":null,"status":"active"})";

TEST(ParseTokenAnswerTest, ReadsEveryField) {
  StatusOr<TokenInfo> t = ParseTokenAnswer(kToken);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->id, "550e8400-e29b-41d4-a716-446655440000");
  EXPECT_EQ(t->name, "ci");
  EXPECT_EQ(t->prefix, "AbCdEfGh");
  EXPECT_EQ(t->scopes, (std::vector<std::string>{"repo:read", "repo:write"}));
  EXPECT_EQ(t->created_at, *ParseRfc3339("2026-11-27T22:17:00.000Z"));
  EXPECT_EQ(t->expires_at, ParseRfc3339("2026-12-27T22:17:00.000Z").value());
  EXPECT_FALSE(t->last_used_at);
  EXPECT_FALSE(t->revoked_at);
  EXPECT_EQ(t->status, "active");
  EXPECT_FALSE(t->token);
}

TEST(ParseTokenAnswerTest, ReadsThePlaintextOfACreatedToken) {
  std::string body = kToken;
  body.insert(body.rfind('}'), R"(,"token":"wit_x")");
  StatusOr<TokenInfo> t = ParseTokenAnswer(body);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->token, "wit_x");
}

TEST(ParseTokenAnswerTest, RejectsWhatIsNotATokenObject) {
  for (const char* body : {"", "[]", "not json", R"({"id":1})",
                           R"({"id":"a","name":"b","prefix":"c","status":"active","scopes":[]})",
                           R"({"id":"a","name":"b","prefix":"c","status":"active","scopes":[1],
                               "createdAt":"2026-11-27T22:17:00.000Z"})"}) {
    StatusOr<TokenInfo> t = ParseTokenAnswer(body);
    EXPECT_FALSE(t.ok()) << body;
    if (!t.ok()) {
      EXPECT_EQ(t.status().code(), Status::Code::kInternal);
    }
  }
}

TEST(ParseTokenListTest, KeepsOrder) {
  std::string body = std::string(R"({"tokens":[)") + kToken + "," + kToken + "]}";
  StatusOr<std::vector<TokenInfo>> tokens = ParseTokenList(body);
  ASSERT_TRUE(tokens.ok()) << tokens.status().ToString();
  EXPECT_EQ(tokens->size(), 2u);
  EXPECT_TRUE(ParseTokenList(R"({"tokens":[]})")->empty());
  EXPECT_FALSE(ParseTokenList(R"({"tokens":[1]})").ok());
  EXPECT_FALSE(ParseTokenList(R"({})").ok());
}

TEST(ParseScopeListTest, ReadsEntries) {
  StatusOr<std::vector<ScopeEntry>> scopes = ParseScopeList(
      R"({"scopes":[{"name":"repo:read","group":"Repository","description":"Read"}]})");
  ASSERT_TRUE(scopes.ok()) << scopes.status().ToString();
  ASSERT_EQ(scopes->size(), 1u);
  EXPECT_EQ((*scopes)[0].name, "repo:read");
  EXPECT_EQ((*scopes)[0].group, "Repository");
  EXPECT_EQ((*scopes)[0].description, "Read");
  EXPECT_FALSE(ParseScopeList(R"({"scopes":[{"name":"x"}]})").ok());
}

}  // namespace
}  // namespace wit
