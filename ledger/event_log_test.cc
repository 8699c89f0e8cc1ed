#include "ledger/event_log.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

TEST(EventLogTest, PositionsRoundTripThroughText) {
  LogPositions p = {{"wit.tokens.lifecycle/0", 12}, {"wit.tokens.lifecycle/1", 0}};
  EXPECT_EQ(FormatPositions(p), "wit.tokens.lifecycle/0=12,wit.tokens.lifecycle/1=0");
  StatusOr<LogPositions> back = ParsePositions(FormatPositions(p));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, p);
  EXPECT_TRUE(ParsePositions("")->empty());
}

TEST(EventLogTest, BadPositionsAreRefused) {
  for (const char* bad :
       {"a", "=1", "a=", "a=1,a=2", "a=-1", "a=1x", "a=1,,b=2", "a=99999999999999999999"}) {
    EXPECT_EQ(ParsePositions(bad).status().code(), Status::Code::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace wit
