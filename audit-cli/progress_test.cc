#include "audit-cli/progress.h"

#include <gtest/gtest.h>

#include <sstream>

namespace wit {
namespace {

TEST(ProgressTest, RendersCountRateAndEta) {
  EXPECT_EQ(Progress::Render(4'000'000, 10'000'000, std::chrono::milliseconds(2000)),
            "  [########            ] 40%  4,000,000 / 10,000,000 events  2.0M/s  ETA 4s");
  EXPECT_EQ(Progress::Render(1500, 0, std::chrono::milliseconds(1000)), "  1,500 events  2k/s");
}

TEST(ProgressTest, DisabledOrQuickScansDrawNothing) {
  std::ostringstream err;
  Progress off(false, err);
  off.Start(100);
  off.Add(1 << 20);
  off.Finish();
  Progress quick(true, err);
  quick.Start(100);
  quick.Add(1 << 20);  // well within kQuietFor of the start
  quick.Finish();
  EXPECT_EQ(err.str(), "");
}

}  // namespace
}  // namespace wit
