#include "token/resource_limits.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

using Strings = std::vector<std::string>;

TEST(ResourceLimitsTest, AddressesOutsideTheBlocksAreDenied) {
  Strings ips = {"10.0.0.0/8", "2001:db8::/32"};
  EXPECT_EQ(LimitDenial(ips, {}, "10.1.2.3", std::nullopt), std::nullopt);
  EXPECT_EQ(LimitDenial(ips, {}, "::ffff:10.1.2.3", std::nullopt), std::nullopt);
  EXPECT_EQ(LimitDenial(ips, {}, "2001:db8::7", std::nullopt), std::nullopt);
  EXPECT_EQ(LimitDenial(ips, {}, "192.0.2.1", std::nullopt), "ip_not_allowed");
  // No address, or one that does not read: nobody vouches for it being inside.
  EXPECT_EQ(LimitDenial(ips, {}, std::nullopt, std::nullopt), "ip_not_allowed");
  EXPECT_EQ(LimitDenial(ips, {}, "unknown", std::nullopt), "ip_not_allowed");
  EXPECT_EQ(LimitDenial({}, {}, std::nullopt, std::nullopt), std::nullopt);
}

TEST(ResourceLimitsTest, ResourcesOutsideThePatternsAreDenied) {
  Strings res = {"acme/*", "alice/dotfiles"};
  EXPECT_EQ(LimitDenial({}, res, std::nullopt, "acme/widgets.git"), std::nullopt);
  EXPECT_EQ(LimitDenial({}, res, std::nullopt, "alice/dotfiles.git"), std::nullopt);
  EXPECT_EQ(LimitDenial({}, res, std::nullopt, "alice/dotfiles"), std::nullopt);
  EXPECT_EQ(LimitDenial({}, res, std::nullopt, "acme/a/b"), "resource_not_allowed");
  EXPECT_EQ(LimitDenial({}, res, std::nullopt, "evil/acme"), "resource_not_allowed");
  EXPECT_EQ(LimitDenial({}, res, std::nullopt, std::nullopt), std::nullopt);
  // Both limits: the address is checked first.
  EXPECT_EQ(LimitDenial({"10.0.0.0/8"}, res, "192.0.2.1", "evil/x"), "ip_not_allowed");
}

TEST(ResourceLimitsTest, NormalizesAndRefuses) {
  EXPECT_EQ(*NormalizeAllowedIps({"10.0.0.0/8", "2001:DB8::/32", "10.0.0.0/8"}),
            (Strings{"10.0.0.0/8", "2001:db8::/32"}));
  EXPECT_FALSE(NormalizeAllowedIps({}).ok());
  EXPECT_EQ(NormalizeAllowedIps({"10.0.0.0/8", "10.0.0.1/8"}).status().message(),
            "allowedIps[1]: a CIDR block has host bits set: clear them (10.0.0.0/8, not "
            "10.0.0.1/8)");
  EXPECT_FALSE(NormalizeAllowedIps(Strings(33, "10.0.0.0/8")).ok());
  EXPECT_EQ(*NormalizeResources({"acme/*", "acme/*"}), Strings{"acme/*"});
  for (const char* bad : {"", "/acme/*", "acme /x", "acme\x01"}) {
    EXPECT_FALSE(NormalizeResources({bad}).ok()) << bad;
  }
  EXPECT_FALSE(NormalizeResources({std::string(201, 'a')}).ok());
}

TEST(ResourceLimitsTest, WhatLiesOutsideAHolderOfLimits) {
  EXPECT_EQ(IpsOutside({}, {"0.0.0.0/0"}), std::nullopt);  // no limit held
  EXPECT_EQ(IpsOutside({"10.0.0.0/8"}, {"10.1.0.0/16", "10.2.3.4/32"}), std::nullopt);
  EXPECT_EQ(IpsOutside({"10.0.0.0/8"}, {"10.1.0.0/16", "0.0.0.0/0"}), "0.0.0.0/0");
  EXPECT_EQ(ResourcesOutside({}, {"**"}), std::nullopt);
  EXPECT_EQ(ResourcesOutside({"acme/widgets"}, {"acme/widgets"}), std::nullopt);
  EXPECT_EQ(ResourcesOutside({"acme/*"}, {"acme/widgets"}), std::nullopt);
  EXPECT_EQ(ResourcesOutside({"acme/**"}, {"acme/x/*"}), std::nullopt);
  // A glob is covered only when that can be told for sure: "acme/*" does not hold "acme/**".
  EXPECT_EQ(ResourcesOutside({"acme/*"}, {"acme/**"}), "acme/**");
  EXPECT_EQ(ResourcesOutside({"acme/widgets"}, {"acme/*"}), "acme/*");
  EXPECT_EQ(ResourcesOutside({"acme/*"}, {"evil/repo"}), "evil/repo");
}

}  // namespace
}  // namespace wit
