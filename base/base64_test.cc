#include "base/base64.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

TEST(Base64UrlTest, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 70; ++i) {
    EXPECT_EQ(*Base64UrlDecode(Base64UrlEncode(bytes)), bytes) << i;
    bytes += static_cast<char>(i * 37);
  }
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
}

TEST(Base64UrlTest, DecodingIsStrict) {
  for (const char* bad : {"a", "ab=", "a+b/", "ab c", "-_9"}) {
    EXPECT_FALSE(Base64UrlDecode(bad).ok()) << bad;
  }
}

TEST(Base64Test, RoundTripsEveryLengthWithPadding) {
  std::string bytes;
  for (int i = 0; i < 70; ++i) {
    std::string text = Base64Encode(bytes);
    EXPECT_EQ(text.size() % 4, 0u) << i;
    EXPECT_EQ(*Base64Decode(text), bytes) << i;
    bytes += static_cast<char>(i * 37);
  }
  // RFC 4648's vectors.
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("\xfb\xff"), "+/8=");
}

TEST(Base64Test, DecodingIsStrict) {
  for (const char* bad : {"Zg", "Zg=", "Zg===", "Zh==", "Zm9=Zm9v", "-_8=", "Zm 9v", "===="}) {
    EXPECT_FALSE(Base64Decode(bad).ok()) << bad;
  }
  EXPECT_EQ(*Base64Decode("Zm8="), "fo");
}

}  // namespace
}  // namespace wit
