#include "cli/scope_format.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

TEST(CompactScopesTest, SharesTheGroupName) {
  EXPECT_EQ(CompactScopes({"repo:read", "repo:write"}), "repo:read,write");
  EXPECT_EQ(CompactScopes({"repo:read"}), "repo:read");
  EXPECT_EQ(CompactScopes({"repo:read", "repo:write", "repo:admin"}), "repo:read,write,admin");
}

TEST(CompactScopesTest, JoinsGroupsInOrderOfAppearance) {
  EXPECT_EQ(CompactScopes({"repo:read", "user:read", "user:write"}), "repo:read, user:read,write");
  EXPECT_EQ(CompactScopes({"user:read", "repo:read", "user:write"}), "user:read,write, repo:read");
}

TEST(CompactScopesTest, OddInput) {
  EXPECT_EQ(CompactScopes({}), "");
  EXPECT_EQ(CompactScopes({"admin", "repo:read", "other"}), "admin, repo:read, other");
}

TEST(JoinScopesTest, FullNames) {
  EXPECT_EQ(JoinScopes({"repo:read", "repo:write"}), "repo:read, repo:write");
  EXPECT_EQ(JoinScopes({}), "");
}

}  // namespace
}  // namespace wit
