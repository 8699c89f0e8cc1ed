#include "base/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace wit {
namespace {

TEST(Utf8Test, ValidSequencesHaveTheirLength) {
  EXPECT_EQ(Utf8SequenceLength("a", 0), 1u);
  EXPECT_EQ(Utf8SequenceLength("\xc3\xa9", 0), 2u);          // é
  EXPECT_EQ(Utf8SequenceLength("\xe2\x82\xac", 0), 3u);      // €
  EXPECT_EQ(Utf8SequenceLength("\xf0\x9f\x94\x91", 0), 4u);  // 🔑
  EXPECT_EQ(Utf8SequenceLength("\xf4\x8f\xbf\xbf", 0), 4u);  // U+10FFFF
  EXPECT_EQ(Utf8SequenceLength("x\xc3\xa9", 1), 2u);
}

TEST(Utf8Test, InvalidSequencesAreZero) {
  for (const std::string& bad : {
           std::string("\x80"),              // a continuation byte alone
           std::string("\xc3"),              // truncated
           std::string("\xe2\x82"),          // truncated
           std::string("\xc0\xaf"),          // overlong "/"
           std::string("\xe0\x80\xaf"),      // overlong
           std::string("\xed\xa0\x80"),      // a surrogate, U+D800
           std::string("\xf4\x90\x80\x80"),  // above U+10FFFF
           std::string("\xf8\x88\x80\x80"),  // a five-byte form
           std::string("\xc3\x28"),          // a lead byte without its continuation
       }) {
    EXPECT_EQ(Utf8SequenceLength(bad, 0), 0u) << testing::PrintToString(bad);
  }
}

TEST(Utf8Test, IdentityNamesArePrintableAndBounded) {
  EXPECT_TRUE(IsIdentityName("alice"));
  EXPECT_TRUE(IsIdentityName("svc-git@acme.example"));
  EXPECT_TRUE(IsIdentityName("\xc3\xa8ve"));  // è
  EXPECT_FALSE(IsIdentityName(""));
  EXPECT_FALSE(IsIdentityName("eve\r\nX-Injected: 1"));
  EXPECT_FALSE(IsIdentityName(std::string("eve\0", 4)));
  EXPECT_FALSE(IsIdentityName("eve\x7f"));
  EXPECT_FALSE(
      IsIdentityName("\xc2\x85"
                     "eve"));            // NEL, a C1 control
  EXPECT_FALSE(IsIdentityName("\xc3"));  // cut UTF-8
  EXPECT_TRUE(IsIdentityName(std::string(kMaxIdentityLength, 'a')));
  EXPECT_FALSE(IsIdentityName(std::string(kMaxIdentityLength + 1, 'a')));
}

}  // namespace
}  // namespace wit
