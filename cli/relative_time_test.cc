#include "cli/relative_time.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

constexpr TimeMs kNow = 1'790'000'000'000;
constexpr TimeMs kSec = 1000, kMin = 60 * kSec, kHour = 60 * kMin, kDay = 24 * kHour;

TEST(FormatAgoTest, UnderAMinuteIsJustNow) {
  EXPECT_EQ(FormatAgo(kNow, kNow), "just now");
  EXPECT_EQ(FormatAgo(kNow - 59 * kSec, kNow), "just now");
  EXPECT_EQ(FormatAgo(kNow + 5 * kSec, kNow), "just now");  // the server's clock is ahead
}

TEST(FormatAgoTest, PicksTheLargestUnit) {
  EXPECT_EQ(FormatAgo(kNow - 60 * kSec, kNow), "1 minute ago");
  EXPECT_EQ(FormatAgo(kNow - 2 * kMin, kNow), "2 minutes ago");
  EXPECT_EQ(FormatAgo(kNow - 1 * kHour, kNow), "1 hour ago");
  EXPECT_EQ(FormatAgo(kNow - 2 * kHour, kNow), "2 hours ago");
  EXPECT_EQ(FormatAgo(kNow - 1 * kDay, kNow), "1 day ago");
  EXPECT_EQ(FormatAgo(kNow - 5 * kDay, kNow), "5 days ago");
  EXPECT_EQ(FormatAgo(kNow - 45 * kDay, kNow), "45 days ago");
  EXPECT_EQ(FormatAgo(kNow - 91 * kDay, kNow), "3 months ago");
  EXPECT_EQ(FormatAgo(kNow - 400 * kDay, kNow), "1 year ago");
  EXPECT_EQ(FormatAgo(kNow - 800 * kDay, kNow), "2 years ago");
}

TEST(FormatAgoTest, RoundsIntoTheNextUnit) {
  EXPECT_EQ(FormatAgo(kNow - 59 * kMin - 50 * kSec, kNow), "1 hour ago");
  EXPECT_EQ(FormatAgo(kNow - 23 * kHour - 50 * kMin, kNow), "1 day ago");
  EXPECT_EQ(FormatAgo(kNow - 2 * kHour - 10 * kMin, kNow), "2 hours ago");
}

TEST(FormatInTest, FutureTimes) {
  EXPECT_EQ(FormatIn(kNow + 10 * kSec, kNow), "in less than a minute");
  EXPECT_EQ(FormatIn(kNow + 2 * kHour, kNow), "in 2 hours");
  EXPECT_EQ(FormatIn(kNow + 30 * kDay, kNow), "in 30 days");
  // Listed a moment after creation, a 30-day token still reads "in 30 days".
  EXPECT_EQ(FormatIn(kNow + 30 * kDay - 3 * kSec, kNow), "in 30 days");
  EXPECT_EQ(FormatIn(kNow + 90 * kDay, kNow), "in 3 months");
  EXPECT_EQ(FormatIn(kNow + 3650 * kDay, kNow), "in 10 years");
}

TEST(FormatExpiryTest, NeverFutureAndPast) {
  EXPECT_EQ(FormatExpiry(std::nullopt, kNow), "Never");
  EXPECT_EQ(FormatExpiry(kNow + 30 * kDay, kNow), "in 30 days");
  EXPECT_EQ(FormatExpiry(kNow - 3 * kDay, kNow), "expired 3 days ago");
  EXPECT_EQ(FormatExpiry(kNow, kNow), "expired just now");
}

TEST(FormatLastUsedTest, NeverOrAgo) {
  EXPECT_EQ(FormatLastUsed(std::nullopt, kNow), "Never");
  EXPECT_EQ(FormatLastUsed(kNow - 2 * kHour, kNow), "2 hours ago");
}

}  // namespace
}  // namespace wit
