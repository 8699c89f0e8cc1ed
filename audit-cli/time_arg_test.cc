#include "audit-cli/time_arg.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

constexpr TimeMs kNow = 1'795'833'508'043;  // 2026-11-28T02:38:28.043Z

TEST(ParseDurationTest, ReadsEachUnit) {
  EXPECT_EQ(*ParseDuration("45s"), 45'000);
  EXPECT_EQ(*ParseDuration("30m"), 30 * 60'000);
  EXPECT_EQ(*ParseDuration("12h"), 12 * 3'600'000);
  EXPECT_EQ(*ParseDuration("90d"), 90 * kMsPerDay);
  EXPECT_EQ(*ParseDuration("2w"), 14 * kMsPerDay);
}

TEST(ParseDurationTest, RefusesWhatIsNotASpan) {
  for (const char* bad :
       {"", "d", "7", "7x", "-7d", "0d", "7.5d", "7 d", "d7", "1e3d", "99999999999d", "100001d"}) {
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
  }
}

TEST(ParseTimeArgTest, ReadsRfc3339DatesSpansAndNow) {
  EXPECT_EQ(*ParseTimeArg("2026-11-28T02:38:28.043Z", kNow), kNow);
  EXPECT_EQ(*ParseTimeArg("2026-11-28T03:38:28.043+01:00", kNow), kNow);
  EXPECT_EQ(*ParseTimeArg("2026-11-28", kNow), *ParseRfc3339("2026-11-28T00:00:00Z"));
  EXPECT_EQ(*ParseTimeArg("7d", kNow), kNow - 7 * kMsPerDay);
  EXPECT_EQ(*ParseTimeArg("now", kNow), kNow);
}

TEST(ParseTimeArgTest, RefusesOtherTextWithAHelpfulMessage) {
  for (const char* bad : {"", "yesterday", "2026-13-01", "2026-11-28T25:00:00Z", "1795833508", "7x",
                          "2026-11-28 02:38:28", "-1d"}) {
    StatusOr<TimeMs> t = ParseTimeArg(bad, kNow);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_FALSE(t.status().message().empty());
  }
  EXPECT_NE(ParseTimeArg("yesterday", kNow).status().message().find("RFC 3339"), std::string::npos);
}

}  // namespace
}  // namespace wit
