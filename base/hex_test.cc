#include "base/hex.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

TEST(HexTest, EncodesLowercaseAndDecodesBack) {
  EXPECT_EQ(HexEncode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexDecode("0001abff"), std::string("\x00\x01\xab\xff", 4));
  EXPECT_EQ(HexDecode(""), std::string());
}

TEST(HexTest, DecodeRefusesOtherSpellings) {
  for (const char* bad : {"0", "abc", "AB", "0g", "zz", " 00"}) {
    EXPECT_EQ(HexDecode(bad), std::nullopt) << bad;
  }
}

TEST(HexTest, Sha256HexIsSixtyFourLowercaseDigits) {
  std::string digest(64, 'a');
  EXPECT_TRUE(IsSha256Hex(digest));
  EXPECT_FALSE(IsSha256Hex(digest.substr(1)));
  EXPECT_FALSE(IsSha256Hex(digest + "0"));
  digest[10] = 'A';
  EXPECT_FALSE(IsSha256Hex(digest));
  digest[10] = 'g';
  EXPECT_FALSE(IsSha256Hex(digest));
  EXPECT_TRUE(IsLowerHex("0a1b2c3d", 8));
}

}  // namespace
}  // namespace wit
