#include "token/token.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

namespace wit {
namespace {

TEST(TokenTest, GeneratedTokenHasTheContractLayout) {
  GeneratedToken t = GenerateToken();
  ASSERT_EQ(t.plaintext.size(), kTokenLength);
  EXPECT_EQ(t.plaintext.substr(0, 4), "wit_");
  EXPECT_EQ(t.plaintext.substr(4, 8), t.prefix);
  EXPECT_EQ(t.plaintext[12], '_');
  EXPECT_TRUE(CheckTokenFormat(t.plaintext).ok());
  EXPECT_EQ(TokenPrefix(t.plaintext), t.prefix);
  EXPECT_EQ(t.hash, HashToken(t.plaintext));
}

TEST(TokenTest, TokensAreDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(GenerateToken().plaintext);
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(TokenTest, ChecksumCatchesEveryOneCharacterChange) {
  std::string t = GenerateToken().plaintext;
  for (size_t i = 13; i < t.size(); ++i) {
    std::string bad = t;
    bad[i] = bad[i] == 'a' ? 'b' : 'a';
    EXPECT_FALSE(CheckTokenFormat(bad).ok()) << "position " << i;
  }
}

TEST(TokenTest, RejectsNoise) {
  EXPECT_FALSE(CheckTokenFormat("").ok());
  EXPECT_FALSE(CheckTokenFormat("wit_").ok());
  EXPECT_FALSE(CheckTokenFormat("ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").ok());
  std::string t = GenerateToken().plaintext;
  EXPECT_FALSE(CheckTokenFormat(t + "x").ok());
  EXPECT_FALSE(CheckTokenFormat(t.substr(0, t.size() - 1)).ok());
  std::string dash = t;
  dash[20] = '-';
  EXPECT_FALSE(CheckTokenFormat(dash).ok());
}

TEST(TokenTest, Crc32MatchesKnownVector) {
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(Crc32(""), 0u);
}

TEST(TokenTest, Base62FixedIsZeroPadded) {
  EXPECT_EQ(Base62Fixed(0, 6), "000000");
  EXPECT_EQ(Base62Fixed(61, 6), "00000z");
  EXPECT_EQ(Base62Fixed(62, 6), "000010");
  EXPECT_EQ(Base62Fixed(0xFFFFFFFFu, 6), "4gfFC3");
}

TEST(TokenTest, HashIsSha256Hex) {
  EXPECT_EQ(HashToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HashToken(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(TokenTest, RandomBase62UsesOnlyBase62) {
  std::string s = RandomBase62(10000);
  ASSERT_EQ(s.size(), 10000u);
  for (char c : s) EXPECT_TRUE(isalnum(static_cast<unsigned char>(c)));
}

TEST(TokenTest, ReadsOneTokenFromAStreamAndNeverEchoesWhatItRead) {
  std::string token = GenerateToken().plaintext;
  std::istringstream padded("  " + token + "\r\n");
  StatusOr<std::string> read = ReadTokenFromStream(padded);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, token);
  std::istringstream empty(" \n");
  EXPECT_EQ(ReadTokenFromStream(empty).status().message(), "no token on stdin");
  std::string broken = token;
  broken.back() = broken.back() == 'a' ? 'b' : 'a';
  std::istringstream bad(broken);
  Status s = ReadTokenFromStream(bad).status();
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message().find(broken), std::string::npos);
}

TEST(TokenTest, RedactsEveryTokenAndKeepsItsPrefix) {
  GeneratedToken a = GenerateToken(), b = GenerateToken();
  std::string text = "curl/8 " + a.plaintext + " /repos/" + b.plaintext + ".git";
  EXPECT_EQ(RedactTokens(&text), 2u);
  EXPECT_EQ(text,
            "curl/8 wit_" + a.prefix + "_[REDACTED] /repos/wit_" + b.prefix + "_[REDACTED].git");
  EXPECT_EQ(RedactTokens(&text), 0u) << "a redacted token is no token";
  // Noise with the layout but a wrong checksum stays; a token glued to a word, after a
  // percent-encoded slash or right after another is still redacted.
  std::string noise = a.plaintext;
  noise[20] = noise[20] == 'a' ? 'b' : 'a';
  EXPECT_EQ(RedactTokens(&noise), 0u);
  std::string glued = "x" + a.plaintext + "%2F" + b.plaintext + a.plaintext;
  EXPECT_EQ(RedactTokens(&glued), 3u);
  EXPECT_EQ(glued, "xwit_" + a.prefix + "_[REDACTED]%2Fwit_" + b.prefix + "_[REDACTED]wit_" +
                       a.prefix + "_[REDACTED]");
}

}  // namespace
}  // namespace wit
