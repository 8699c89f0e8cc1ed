#ifndef WIT_BASE_IP_CIDR_H_
#define WIT_BASE_IP_CIDR_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace wit {

// IpAddress is an IPv4 or IPv6 address as 16 bytes; an IPv4 address is held as its
// IPv4-mapped IPv6 form (::ffff:a.b.c.d), so "10.0.0.1" and "::ffff:10.0.0.1" are one address.
struct IpAddress {
  std::array<uint8_t, 16> bytes{};
  bool v4 = false;  // written as IPv4 or IPv4-mapped
};

// ParseIpAddress reads "10.0.0.1", "2001:db8::1" or "::ffff:10.0.0.1" (no zone, no port, no
// brackets). Anything else is nullopt. Never throws.
std::optional<IpAddress> ParseIpAddress(std::string_view text);

// IpCidr is a block of addresses: an address and how many leading bits must match.
//
//   StatusOr<IpCidr> block = ParseIpCidr("10.0.0.0/8");
//   block->Contains(*ParseIpAddress("10.1.2.3"))  // true
class IpCidr {
 public:
  // Contains reports whether `ip` lies in the block. An IPv4 block holds IPv4 (and
  // IPv4-mapped) addresses only.
  bool Contains(const IpAddress& ip) const;

  // Contains reports whether every address of `inner` lies in this block.
  bool Contains(const IpCidr& inner) const {
    return inner.base_.v4 == base_.v4 && inner.bits_ >= bits_ && Contains(inner.base_);
  }

  // ToString is the block in its canonical form: "10.0.0.0/8", "2001:db8::/32".
  std::string ToString() const;

 private:
  friend StatusOr<IpCidr> ParseIpCidr(std::string_view text);
  IpAddress base_;  // host bits cleared
  int bits_ = 0;    // 0..32 for an IPv4 block (mapped ones too), 0..128 for IPv6
};

// ParseIpCidr reads "ADDRESS/BITS" or a bare address (a block of one). InvalidArgument, naming
// what is wrong but never repeating the text, for anything else, host bits set included
// ("10.0.0.1/8": write 10.0.0.0/8).
StatusOr<IpCidr> ParseIpCidr(std::string_view text);

}  // namespace wit

#endif  // WIT_BASE_IP_CIDR_H_
