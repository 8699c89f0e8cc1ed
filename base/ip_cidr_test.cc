#include "base/ip_cidr.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

bool In(const char* block, const char* ip) {
  StatusOr<IpCidr> b = ParseIpCidr(block);
  std::optional<IpAddress> a = ParseIpAddress(ip);
  EXPECT_TRUE(b.ok()) << block;
  EXPECT_TRUE(a.has_value()) << ip;
  return b.ok() && a && b->Contains(*a);
}

TEST(IpCidrTest, Ipv4Blocks) {
  EXPECT_TRUE(In("10.0.0.0/8", "10.255.1.2"));
  EXPECT_FALSE(In("10.0.0.0/8", "11.0.0.1"));
  EXPECT_TRUE(In("192.168.1.0/25", "192.168.1.127"));
  EXPECT_FALSE(In("192.168.1.0/25", "192.168.1.128"));
  EXPECT_TRUE(In("0.0.0.0/0", "203.0.113.9"));
  EXPECT_TRUE(In("203.0.113.9", "203.0.113.9"));
  EXPECT_FALSE(In("203.0.113.9", "203.0.113.10"));
}

TEST(IpCidrTest, Ipv6BlocksAndMappedAddresses) {
  EXPECT_TRUE(In("2001:db8::/32", "2001:db8:ffff::1"));
  EXPECT_FALSE(In("2001:db8::/32", "2001:db9::1"));
  EXPECT_TRUE(In("::1/128", "::1"));
  // Poco on a dual-stack socket names an IPv4 client in its mapped form.
  EXPECT_TRUE(In("127.0.0.0/8", "::ffff:127.0.0.1"));
  EXPECT_TRUE(In("::ffff:10.0.0.0/104", "10.1.1.1"));
  // An IPv4 block never holds an IPv6 address, and ::/0 holds no IPv4 one: a family is
  // allowed only by naming it.
  EXPECT_FALSE(In("0.0.0.0/0", "2001:db8::1"));
  EXPECT_FALSE(In("::/0", "10.0.0.1"));
}

TEST(IpCidrTest, RefusesWhatIsNotABlock) {
  for (const char* bad :
       {"", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/8x", "10.0.0.1/8", "2001:db8::1/32",
        "::/129", "10.0.0", "example.com", "10.0.0.0/0008", "fe80::1%eth0", "[::1]",
        "::ffff:10.0.0.0/8", "10.0.0.0/-1", "1.2.3.4 "}) {
    EXPECT_FALSE(ParseIpCidr(bad).ok()) << bad;
  }
}

TEST(IpCidrTest, CanonicalForm) {
  EXPECT_EQ(ParseIpCidr("10.0.0.0/8")->ToString(), "10.0.0.0/8");
  EXPECT_EQ(ParseIpCidr("2001:DB8:0::/32")->ToString(), "2001:db8::/32");
  EXPECT_EQ(ParseIpCidr("198.51.100.7")->ToString(), "198.51.100.7/32");
  EXPECT_EQ(ParseIpCidr("::ffff:10.0.0.0/104")->ToString(), "10.0.0.0/8");
}

TEST(IpCidrTest, APrefixLengthOfManyDigitsIsRefusedWithoutOverflow) {
  // The fuzzer's find: every digit used to be multiplied in, past int's range (UBSan).
  EXPECT_FALSE(ParseIpCidr("10.0.0.0/99999999999999999999999").ok());
  EXPECT_FALSE(ParseIpCidr("::/1234567890123").ok());
}

TEST(IpCidrTest, ABlockContainsTheBlocksInsideIt) {
  auto block = [](const char* text) { return *ParseIpCidr(text); };
  EXPECT_TRUE(block("10.0.0.0/8").Contains(block("10.1.0.0/16")));
  EXPECT_TRUE(block("10.0.0.0/8").Contains(block("10.0.0.0/8")));
  EXPECT_TRUE(block("10.0.0.0/8").Contains(block("10.2.3.4")));
  EXPECT_FALSE(block("10.1.0.0/16").Contains(block("10.0.0.0/8")));
  EXPECT_FALSE(block("10.0.0.0/8").Contains(block("11.0.0.0/16")));
  EXPECT_FALSE(block("0.0.0.0/0").Contains(block("::/0")));
  EXPECT_TRUE(block("2001:db8::/32").Contains(block("2001:db8:1::/48")));
}

}  // namespace
}  // namespace wit
