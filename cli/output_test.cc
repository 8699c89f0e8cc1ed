#include "cli/output.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

constexpr TimeMs kDay = 86'400'000;
constexpr TimeMs kHour = 3'600'000;

TimeMs At(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

TokenInfo Token(std::string id, std::string name, std::vector<std::string> scopes) {
  TokenInfo t;
  t.id = std::move(id);
  t.name = std::move(name);
  t.prefix = "AbCdEfGh";
  t.scopes = std::move(scopes);
  t.status = "active";
  return t;
}

TEST(RenderCreatedTest, MatchesTheSeedDocument) {
  TokenInfo t =
      Token("550e8400-e29b-41d4-a716-446655440000", "my-token", {"repo:read", "repo:write"});
  t.token = "wit_abc123...xyz789";
  EXPECT_EQ(RenderCreated(t, At("2026-11-28T00:00:00Z")),
            "Token created successfully\n"
            "\n"
            "Name:    my-token\n"
            "ID:      550e8400-e29b-41d4-a716-446655440000\n"
            "Token:   wit_abc123...xyz789\n"
            "Scopes:  repo:read, repo:write\n"
            "Expires: Never\n"
            "\n"
            "IMPORTANT: Copy this token now. You won't be able to see it again!\n"
            "\n"
            "To use this token:\n"
            "  export WIT_TOKEN=wit_abc123...xyz789\n");
}

TEST(RenderCreatedTest, ExpiryShowsDateAndRelativeTime) {
  TimeMs now = At("2026-11-28T10:00:00.000Z");
  EXPECT_EQ(FormatExpiryDate(now + 30 * kDay, now), "2026-12-28 (in 30 days)");
  EXPECT_EQ(FormatExpiryDate(std::nullopt, now), "Never");
}

TEST(RenderTokenListTest, SeedRowsWithCompactedScopes) {
  TimeMs now = At("2026-11-28T10:00:00.000Z");
  TokenInfo a =
      Token("550e8400-e29b-41d4-a716-446655440000", "ci-token", {"repo:read", "repo:write"});
  a.last_used_at = now - 2 * kHour;
  a.expires_at = now + 30 * kDay;
  TokenInfo b = Token("660f9500-f30c-52e5-b827-557766550111", "deploy-token", {"repo:read"});
  b.last_used_at = now - 5 * kDay;
  EXPECT_EQ(RenderTokenList({a, b}, false, now),
            "Your Personal Access Tokens\n"
            "\n"
            "ID                                     Name           Scopes            "
            "Last Used     Expires\n"
            "550e8400-e29b-41d4-a716-446655440000   ci-token       repo:read,write   "
            "2 hours ago   in 30 days\n"
            "660f9500-f30c-52e5-b827-557766550111   deploy-token   repo:read         "
            "5 days ago    Never\n");
}

TEST(RenderTokenListTest, AllAddsStatusColumn) {
  TimeMs now = At("2026-11-28T10:00:00.000Z");
  TokenInfo a = Token("550e8400-e29b-41d4-a716-446655440000", "old", {"user:read"});
  a.status = "revoked";
  a.expires_at = now - 3 * kDay;
  EXPECT_EQ(RenderTokenList({a}, true, now),
            "Your Personal Access Tokens\n"
            "\n"
            "ID                                     Name   Scopes      Last Used   "
            "Expires              Status\n"
            "550e8400-e29b-41d4-a716-446655440000   old    user:read   Never       "
            "expired 3 days ago   revoked\n");
}

TEST(RenderTokenListTest, Empty) {
  EXPECT_EQ(RenderTokenList({}, false, 0), "Your Personal Access Tokens\n\nNo tokens found.\n");
}

TEST(RenderTokenListTest, NameCannotDriveTheTerminal) {
  TokenInfo a = Token("550e8400-e29b-41d4-a716-446655440000", "x\x1b]0;pwned\x07", {});
  std::string out = RenderTokenList({a}, false, 0);
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_EQ(out.find('\x07'), std::string::npos);
}

TEST(RenderRevokedTest, SeedLine) {
  EXPECT_EQ(RenderRevoked(TokenInfo{}), "Token revoked successfully\n");
}

TEST(RenderScopesTest, MatchesTheSeedDocument) {
  std::vector<ScopeEntry> scopes = {
      {"repo:read", "Repository", "Read repository data (clone, fetch)"},
      {"repo:write", "Repository", "Write to repositories (push)"},
      {"repo:admin", "Repository", "Admin operations (delete, settings)"},
      {"user:read", "User", "Read user profile"},
      {"user:write", "User", "Update user profile"},
  };
  EXPECT_EQ(RenderScopes(scopes),
            "Available Token Scopes\n"
            "\n"
            "Repository:\n"
            "  repo:read    Read repository data (clone, fetch)\n"
            "  repo:write   Write to repositories (push)\n"
            "  repo:admin   Admin operations (delete, settings)\n"
            "\n"
            "User:\n"
            "  user:read    Read user profile\n"
            "  user:write   Update user profile\n");
}

TEST(RenderScopesTest, LongNamesWidenTheColumn) {
  EXPECT_EQ(RenderScopes({{"organization:admin", "Org", "All of it"}, {"o:x", "Org", "Some"}}),
            "Available Token Scopes\n\nOrg:\n  organization:admin All of it\n"
            "  o:x                Some\n");
}

}  // namespace
}  // namespace wit
