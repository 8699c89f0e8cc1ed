#include "cli/arguments.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

TEST(ParseExpiresFlagTest, WholeDaysFromOneTo3650) {
  EXPECT_EQ(*ParseExpiresFlag("1"), 1);
  EXPECT_EQ(*ParseExpiresFlag("30"), 30);
  EXPECT_EQ(*ParseExpiresFlag("3650"), 3650);
  for (const char* bad : {"", "0", "-1", "1.5", "x", "3651", "30d", "99999999999999999999"}) {
    StatusOr<int64_t> days = ParseExpiresFlag(bad);
    EXPECT_FALSE(days.ok()) << bad;
    if (!days.ok()) {
      EXPECT_NE(days.status().message().find("--expires"), std::string::npos);
    }
  }
}

TEST(ParseScopesFlagTest, SplitsAndTrims) {
  EXPECT_EQ(*ParseScopesFlag("repo:read"), (std::vector<std::string>{"repo:read"}));
  EXPECT_EQ(*ParseScopesFlag("repo:read, repo:write,,"),
            (std::vector<std::string>{"repo:read", "repo:write"}));
  EXPECT_FALSE(ParseScopesFlag("").ok());
  EXPECT_FALSE(ParseScopesFlag(" , ").ok());
}

TEST(CheckTokenIdTest, UuidsOnly) {
  EXPECT_TRUE(CheckTokenId("550e8400-e29b-41d4-a716-446655440000").ok());
  EXPECT_FALSE(CheckTokenId("550e8400").ok());
  EXPECT_FALSE(CheckTokenId("scopes").ok());
  EXPECT_FALSE(CheckTokenId("550e8400-e29b-41d4-a716-44665544000g").ok());
}

TEST(CheckTokenIdTest, APastedTokenIsNotRepeated) {
  std::string token = "wit_AbCdEfGh_0123456789012345678901234567890123456";
  Status s = CheckTokenId(token);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message().find(token), std::string::npos);
  EXPECT_EQ(s.message().find("AbCdEfGh"), std::string::npos);
}

TEST(CheckSessionTest, NonEmptyAndHeaderSafe) {
  EXPECT_TRUE(CheckSession("eyJ.abc.def").ok());
  Status empty = CheckSession("");
  EXPECT_FALSE(empty.ok());
  EXPECT_NE(empty.message().find("WIT_SESSION"), std::string::npos);
  Status injected = CheckSession("abc\r\nX-Evil: 1");
  EXPECT_FALSE(injected.ok());
  EXPECT_EQ(injected.message().find("abc"), std::string::npos);
}

}  // namespace
}  // namespace wit
