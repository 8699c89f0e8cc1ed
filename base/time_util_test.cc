#include "base/time_util.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

TEST(TimeUtilTest, FormatsWithMilliseconds) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(1795817820000), "2026-11-27T22:17:00.000Z");
  EXPECT_EQ(FormatRfc3339(1795817820123), "2026-11-27T22:17:00.123Z");
}

TEST(TimeUtilTest, FormatsNoTimeAsTheTextGiven) {
  EXPECT_EQ(FormatRfc3339Or(std::nullopt, "never"), "never");
  EXPECT_EQ(FormatRfc3339Or(std::nullopt, ""), "");
  EXPECT_EQ(FormatRfc3339Or(TimeMs{1795817820123}, "never"), "2026-11-27T22:17:00.123Z");
}

TEST(TimeUtilTest, ParsesWhatItFormats) {
  for (TimeMs t : {TimeMs{0}, TimeMs{1795817820123}, TimeMs{951782400000}}) {
    auto p = ParseRfc3339(FormatRfc3339(t));
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(*p, t);
  }
}

TEST(TimeUtilTest, ParsesOffsetsAndFractions) {
  EXPECT_EQ(*ParseRfc3339("2026-11-27T23:17:00+01:00"), 1795817820000);
  EXPECT_EQ(*ParseRfc3339("2026-11-27T22:17:00.5Z"), 1795817820500);
}

TEST(TimeUtilTest, RejectsGarbage) {
  for (const char* s : {"", "2026-11-27", "2026-13-01T00:00:00Z", "2026-11-27T22:17:00",
                        "2026-11-27T22:17:00.Z", "2026-11-27T22:17:00Zjunk", "yesterday"}) {
    EXPECT_FALSE(ParseRfc3339(s).ok()) << s;
  }
}

TEST(TimeUtilTest, RejectsDaysTheMonthDoesNotHave) {
  for (const char* s : {"2026-02-31T00:00:00Z", "2026-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
                        "2026-04-31T00:00:00Z", "2026-11-31T00:00:00Z"}) {
    EXPECT_FALSE(ParseRfc3339(s).ok()) << s;
  }
  for (const char* s : {"2028-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "2026-12-31T00:00:00Z"}) {
    EXPECT_TRUE(ParseRfc3339(s).ok()) << s;
  }
}

}  // namespace
}  // namespace wit
