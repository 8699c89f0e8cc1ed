#ifndef WIT_CLI_SCOPE_FORMAT_H_
#define WIT_CLI_SCOPE_FORMAT_H_

#include <string>
#include <vector>

namespace wit {

// CompactScopes renders scopes as the Scopes column of `wit token list` does: the scopes of one
// group ("repo" in "repo:read") share the group name, groups keep the order in which they first
// appear and are joined with ", ". A scope without a ':' stands alone.
//
//   CompactScopes({"repo:read", "repo:write", "user:read"}) == "repo:read,write, user:read"
std::string CompactScopes(const std::vector<std::string>& scopes);

// JoinScopes lists the scopes in full, joined with ", ": "repo:read, repo:write".
std::string JoinScopes(const std::vector<std::string>& scopes);

}  // namespace wit

#endif  // WIT_CLI_SCOPE_FORMAT_H_
