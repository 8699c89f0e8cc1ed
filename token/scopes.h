#ifndef WIT_TOKEN_SCOPES_H_
#define WIT_TOKEN_SCOPES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace wit {

// ScopeInfo describes one of the five token scopes as `wit token scopes` shows it.
struct ScopeInfo {
  const char* name;         // "repo:read"
  const char* group;        // "Repository"
  const char* description;  // "Read repository data (clone, fetch)"
};

// AllScopes lists the scopes in display order: repo:read, repo:write, repo:admin, user:read,
// user:write.
const std::vector<ScopeInfo>& AllScopes();

// IsKnownScope reports whether `name` is one of the five scopes.
bool IsKnownScope(std::string_view name);

// ScopesGrant reports whether holding `held` allows an action needing `wanted`, following the
// implications: repo:admin ⊃ repo:write ⊃ repo:read, user:write ⊃ user:read.
bool ScopesGrant(const std::vector<std::string>& held, std::string_view wanted);

// NormalizeScopes checks every name, removes duplicates and returns them in display order.
// An unknown scope is InvalidArgument naming it.
StatusOr<std::vector<std::string>> NormalizeScopes(const std::vector<std::string>& names);

// ScopeList joins scopes with spaces, as OAuth writes a scope (RFC 6749 §3.3) and forward
// auth's X-Wit-Scopes carries them: "repo:read repo:write".
std::string ScopeList(const std::vector<std::string>& scopes);

// DefaultScopes is what a token gets when none are asked for: repo:read, repo:write.
std::vector<std::string> DefaultScopes();

}  // namespace wit

#endif  // WIT_TOKEN_SCOPES_H_
