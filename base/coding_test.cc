#include "base/coding.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

TEST(CodingTest, BigEndianSoKeysSortInNumericOrder) {
  EXPECT_EQ(EncodeFixed64(0x0102030405060708ull), std::string("\x01\x02\x03\x04\x05\x06\x07\x08"));
  std::string four;
  PutFixed32(&four, 0xdeadbeef);
  EXPECT_EQ(four, "\xde\xad\xbe\xef");
  EXPECT_EQ(DecodeFixed32(four), 0xdeadbeefu);
  for (uint64_t v : {0ull, 1ull, 255ull, 256ull, 1ull << 40, ~0ull}) {
    EXPECT_EQ(DecodeFixed64(EncodeFixed64(v)), v);
  }
  EXPECT_LT(EncodeFixed64(255), EncodeFixed64(256));
  EXPECT_LT(EncodeFixed64(1ull << 40), EncodeFixed64(~0ull));
}

}  // namespace
}  // namespace wit
