#include "token/scopes.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

TEST(ScopesTest, FiveKnownScopes) {
  EXPECT_EQ(AllScopes().size(), 5u);
  EXPECT_TRUE(IsKnownScope("repo:read"));
  EXPECT_TRUE(IsKnownScope("user:write"));
  EXPECT_FALSE(IsKnownScope("repo:delete"));
  EXPECT_FALSE(IsKnownScope(""));
}

TEST(ScopesTest, Implications) {
  EXPECT_TRUE(ScopesGrant({"repo:admin"}, "repo:read"));
  EXPECT_TRUE(ScopesGrant({"repo:admin"}, "repo:write"));
  EXPECT_TRUE(ScopesGrant({"repo:write"}, "repo:read"));
  EXPECT_FALSE(ScopesGrant({"repo:write"}, "repo:admin"));
  EXPECT_FALSE(ScopesGrant({"repo:read"}, "repo:write"));
  EXPECT_TRUE(ScopesGrant({"user:write"}, "user:read"));
  EXPECT_FALSE(ScopesGrant({"user:read"}, "user:write"));
  EXPECT_FALSE(ScopesGrant({"repo:admin"}, "user:read"));
  EXPECT_FALSE(ScopesGrant({}, "repo:read"));
}

TEST(ScopesTest, NormalizeOrdersAndDeduplicates) {
  auto s = NormalizeScopes({"user:read", "repo:read", "user:read"});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, (std::vector<std::string>{"repo:read", "user:read"}));
  auto bad = NormalizeScopes({"repo:read", "admin"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("admin"), std::string::npos);
}

}  // namespace
}  // namespace wit
