#ifndef WIT_CLI_TOKEN_JSON_H_
#define WIT_CLI_TOKEN_JSON_H_

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time_util.h"
#include "token/token_json.h"

namespace wit {

// TokenInfo is a token object as the REST API returns it (token/token_json.h). `token` holds
// the plaintext only in the answer to a create request.
using TokenInfo = TokenObject;

// ScopeEntry is one element of the answer to GET /api/tokens/scopes.
struct ScopeEntry {
  std::string name;         // "repo:read"
  std::string group;        // "Repository"
  std::string description;  // "Read repository data (clone, fetch)"
};

// ParseTokenAnswer reads one token object (the answer to create, get and revoke).
// A body that is not such an object is Internal, naming what is wrong.
StatusOr<TokenInfo> ParseTokenAnswer(const std::string& body);

// ParseTokenList reads {"tokens": [token objects]}, keeping the server's order.
StatusOr<std::vector<TokenInfo>> ParseTokenList(const std::string& body);

// ParseScopeList reads {"scopes": [{"name", "group", "description"}]}, keeping the order.
StatusOr<std::vector<ScopeEntry>> ParseScopeList(const std::string& body);

}  // namespace wit

#endif  // WIT_CLI_TOKEN_JSON_H_
