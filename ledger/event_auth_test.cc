#include "ledger/event_auth.h"

#include <gtest/gtest.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cctype>

namespace wit {
namespace {

std::string Hex(const unsigned char* p, size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[p[i] >> 4]);
    out.push_back(kHex[p[i] & 15]);
  }
  return out;
}

TEST(EventAuthTest, SignsAsDocumented) {
  std::string key(32, 'k');
  EventAuthenticator auth(key);
  std::string payload = R"({"type":"token.created"})";
  // Computed here from the documented layout with OpenSSL's one-shot calls.
  unsigned char digest[32];
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest);
  std::string message = "wit.event.v1\n" + payload;
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), 32, reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), mac, &len);
  EXPECT_EQ(auth.Sign(payload), "v1:" + Hex(digest, 4) + ":" + Hex(mac, 32));
  EXPECT_EQ(auth.KeyId(), Hex(digest, 4));
}

TEST(EventAuthTest, ChecksEveryWayAMacCanFail) {
  EventAuthenticator auth(std::string(32, 'k'));
  EventAuthenticator other(std::string(40, 'o'));
  std::string payload = "{}";
  std::string mac = auth.Sign(payload);
  using R = EventAuthenticator::Result;
  EXPECT_EQ(auth.Check(payload, mac), R::kValid);
  EXPECT_EQ(auth.Check(payload, ""), R::kMissing);
  EXPECT_EQ(auth.Check("{ }", mac), R::kBadMac);
  EXPECT_EQ(auth.Check(payload, other.Sign(payload)), R::kOtherKey);
  std::string flipped = mac;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  EXPECT_EQ(auth.Check(payload, flipped), R::kBadMac);
  std::string upper = mac;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  EXPECT_EQ(auth.Check(payload, upper), R::kMalformed);
  EXPECT_EQ(auth.Check(payload, mac + "0"), R::kMalformed);
  EXPECT_EQ(auth.Check(payload, "v2" + mac.substr(2)), R::kMalformed);
}

TEST(EventAuthTest, ParsesOnlyTheExactForm) {
  EventAuthenticator auth(std::string(32, 'k'));
  std::string mac = auth.Sign("x");
  StatusOr<EventMac> parsed = ParseEventMac(mac);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->key_id.size(), 4u);
  EXPECT_EQ(parsed->mac.size(), 32u);
  for (const std::string& bad :
       {std::string(), std::string("v1:"), mac.substr(0, 75), "v1;" + mac.substr(3),
        mac.substr(0, 11) + "-" + mac.substr(12), mac.substr(0, 20) + "g" + mac.substr(21)}) {
    StatusOr<EventMac> p = ParseEventMac(bad);
    ASSERT_FALSE(p.ok()) << bad;
    // The message never repeats what it was given.
    if (bad.size() > 8) {
      EXPECT_EQ(p.status().message().find(bad), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace wit
