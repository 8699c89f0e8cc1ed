#include "base/ip_cidr.h"

#include <arpa/inet.h>

#include <cstring>

namespace wit {
namespace {

constexpr int kMappedOffsetBits = 96;  // an IPv4-mapped address's IPv4 part starts here

bool Mapped(const std::array<uint8_t, 16>& b) {
  static constexpr uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(b.data(), kPrefix, sizeof kPrefix) == 0;
}

// BitsMatch reports whether the first `bits` bits of a and b agree.
bool BitsMatch(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, int bits) {
  int whole = bits / 8;
  if (std::memcmp(a.data(), b.data(), static_cast<size_t>(whole)) != 0) return false;
  int rest = bits % 8;
  if (rest == 0) return true;
  auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

}  // namespace

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  // inet_pton needs a terminated string; an address is never longer than this.
  if (text.empty() || text.size() > 45) return std::nullopt;
  char buf[46];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress ip;
  in_addr v4{};
  if (inet_pton(AF_INET, buf, &v4) == 1) {
    ip.bytes[10] = ip.bytes[11] = 0xff;
    std::memcpy(ip.bytes.data() + 12, &v4, 4);
    ip.v4 = true;
    return ip;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, buf, &v6) != 1) return std::nullopt;
  std::memcpy(ip.bytes.data(), &v6, 16);
  ip.v4 = Mapped(ip.bytes);
  return ip;
}

bool IpCidr::Contains(const IpAddress& ip) const {
  if (base_.v4 != ip.v4) return false;
  return BitsMatch(base_.bytes, ip.bytes, base_.v4 ? kMappedOffsetBits + bits_ : bits_);
}

std::string IpCidr::ToString() const {
  char buf[INET6_ADDRSTRLEN];
  if (base_.v4) {
    inet_ntop(AF_INET, base_.bytes.data() + 12, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, base_.bytes.data(), buf, sizeof buf);
  }
  return std::string(buf) + "/" + std::to_string(bits_);
}

StatusOr<IpCidr> ParseIpCidr(std::string_view text) {
  size_t slash = text.find('/');
  std::string_view address = text.substr(0, slash);
  std::optional<IpAddress> ip = ParseIpAddress(address);
  if (!ip) return Status::InvalidArgument("not an IPv4 or IPv6 address or CIDR block");
  // Bits count over the address as written: 32 for IPv4, 128 for IPv6 (mapped ones too).
  bool written_v6 = address.find(':') != std::string_view::npos;
  int max = written_v6 ? 128 : 32;
  int bits = max;
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    bool number = !digits.empty() && digits.size() <= 3;
    bits = 0;
    for (size_t i = 0; number && i < digits.size(); ++i) {
      char c = digits[i];
      if (c < '0' || c > '9') number = false;
      if (number) bits = bits * 10 + (c - '0');
    }
    if (!number || bits > max) {
      return Status::InvalidArgument("a CIDR block's prefix length must be a number from 0 to " +
                                     std::to_string(max));
    }
  }
  if (written_v6 && ip->v4) {
    if (bits < kMappedOffsetBits) {
      return Status::InvalidArgument("an IPv4-mapped block needs a prefix length of 96 or more");
    }
    bits -= kMappedOffsetBits;
  }
  int offset = ip->v4 ? kMappedOffsetBits : 0;
  IpAddress cleared = *ip;
  for (int bit = offset + bits; bit < 128; ++bit) {
    cleared.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
  }
  if (cleared.bytes != ip->bytes) {
    return Status::InvalidArgument(
        "a CIDR block has host bits set: clear them (10.0.0.0/8, not 10.0.0.1/8)");
  }
  IpCidr block;
  block.base_ = *ip;
  block.bits_ = bits;
  return block;
}

}  // namespace wit
