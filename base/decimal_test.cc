#include "base/decimal.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

TEST(DecimalTest, OnlyTheCanonicalSpellingPasses) {
  EXPECT_EQ(ParseDecimal("0"), 0u);
  EXPECT_EQ(ParseDecimal("42"), 42u);
  EXPECT_EQ(ParseDecimal("18446744073709551615"), UINT64_MAX);
  for (const char* bad :
       {"", "042", "00", "+1", "-1", " 1", "1 ", "1e3", "0x10", "1.0", "18446744073709551616"}) {
    EXPECT_FALSE(ParseDecimal(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace wit
