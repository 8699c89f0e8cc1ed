#ifndef WIT_TOKEN_RESOURCE_LIMITS_H_
#define WIT_TOKEN_RESOURCE_LIMITS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace wit {

// A token's limits, optional at its creation: the addresses it may be used from (`allowedIps`,
// CIDR blocks, as Vault's bound_cidrs) and the resources it may be used on (`resources`, globs
// over the resource a use names, as GitHub's fine-grained tokens select repositories).
inline constexpr size_t kMaxLimitEntries = 32;
inline constexpr size_t kMaxResourcePatternLength = 200;

// IsResourcePattern reports whether `pattern` may be a resource glob: 1–200 printable ASCII
// characters without spaces, not starting with '/' ("acme/*", "acme/**", "alice/dotfiles").
bool IsResourcePattern(std::string_view pattern);

// NormalizeAllowedIps checks each CIDR block (ParseIpCidr), writes it canonically and removes
// duplicates, in the order given. An empty list, more than 32 entries or a bad block is
// InvalidArgument naming the entry's position.
StatusOr<std::vector<std::string>> NormalizeAllowedIps(const std::vector<std::string>& blocks);

// NormalizeResources checks each pattern and removes duplicates; errors as above.
StatusOr<std::vector<std::string>> NormalizeResources(const std::vector<std::string>& patterns);

// LimitDenial returns the reason a use breaks the token's limits, or nullopt when it keeps
// them: "ip_not_allowed" when `allowed_ips` is set and `ip` is missing, unreadable or outside
// every block (an address nobody vouches for is not inside the list); "resource_not_allowed"
// when `resources` is set and the use names a resource no pattern matches. A use naming no
// resource keeps the resource limit. A pattern matches a repository's path with or without
// its ".git" ("acme/widgets" matches "acme/widgets.git"). Empty lists mean no limit.
std::optional<std::string> LimitDenial(const std::vector<std::string>& allowed_ips,
                                       const std::vector<std::string>& resources,
                                       const std::optional<std::string>& ip,
                                       const std::optional<std::string>& resource);

// IpsOutside returns the first block of `wanted` that no block of `held` contains, or nullopt
// when each lies inside one. Both hold normalized blocks (NormalizeAllowedIps); an empty
// `held` is no limit, so nothing is outside it.
std::optional<std::string> IpsOutside(const std::vector<std::string>& held,
                                      const std::vector<std::string>& wanted);

// ResourcesOutside returns the first pattern of `wanted` that `held` does not cover, or nullopt.
// A pattern is covered when a held one is the same, matches it as a path (it has no '*'), or
// is "PREFIX**" with no other '*' and the pattern begins with PREFIX. Other pairs of globs are
// taken as not covered: a token cannot prove it may hand out what it may not hold.
std::optional<std::string> ResourcesOutside(const std::vector<std::string>& held,
                                            const std::vector<std::string>& wanted);

}  // namespace wit

#endif  // WIT_TOKEN_RESOURCE_LIMITS_H_
