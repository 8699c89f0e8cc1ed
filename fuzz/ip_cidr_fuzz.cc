// A token's limits as a create request brings them: CIDR blocks (allowedIps) and resource globs
// (resources), and the client address a use names. Any bytes give a block or an error, never a
// crash; a block that parses writes a canonical form that parses to itself and holds its own
// base address.
#include <cstdint>
#include <string>

#include "base/ip_cidr.h"
#include "token/resource_limits.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  size_t nl = input.find('\n');
  std::string block = input.substr(0, nl);
  std::string rest = nl == std::string::npos ? std::string() : input.substr(nl + 1);

  wit::StatusOr<wit::IpCidr> cidr = wit::ParseIpCidr(block);
  if (cidr.ok()) {
    std::string canonical = cidr->ToString();
    wit::StatusOr<wit::IpCidr> again = wit::ParseIpCidr(canonical);
    if (!again.ok() || again->ToString() != canonical) __builtin_trap();
    std::optional<wit::IpAddress> base =
        wit::ParseIpAddress(canonical.substr(0, canonical.find('/')));
    if (!base || !cidr->Contains(*base)) __builtin_trap();
  }
  std::optional<wit::IpAddress> ip = wit::ParseIpAddress(rest);
  if (cidr.ok() && ip) (void)cidr->Contains(*ip);
  // The same bytes as a limit list and a use: allowed or denied, with a known reason.
  std::optional<std::string> denial = wit::LimitDenial(
      cidr.ok() ? std::vector<std::string>{cidr->ToString()} : std::vector<std::string>{},
      wit::IsResourcePattern(block) ? std::vector<std::string>{block} : std::vector<std::string>{},
      rest, rest);
  if (denial && *denial != "ip_not_allowed" && *denial != "resource_not_allowed") __builtin_trap();
  return 0;
}
