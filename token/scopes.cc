#include "token/scopes.h"

#include <algorithm>

namespace wit {

const std::vector<ScopeInfo>& AllScopes() {
  static const std::vector<ScopeInfo> kScopes = {
      {"repo:read", "Repository", "Read repository data (clone, fetch)"},
      {"repo:write", "Repository", "Write to repositories (push)"},
      {"repo:admin", "Repository", "Admin operations (delete, settings)"},
      {"user:read", "User", "Read user profile"},
      {"user:write", "User", "Update user profile"},
  };
  return kScopes;
}

bool IsKnownScope(std::string_view name) {
  const auto& all = AllScopes();
  return std::any_of(all.begin(), all.end(), [&](const ScopeInfo& s) { return name == s.name; });
}

bool ScopesGrant(const std::vector<std::string>& held, std::string_view wanted) {
  auto has = [&](std::string_view s) {
    return std::find(held.begin(), held.end(), s) != held.end();
  };
  if (has(wanted)) return true;
  if (wanted == "repo:read") return has("repo:write") || has("repo:admin");
  if (wanted == "repo:write") return has("repo:admin");
  if (wanted == "user:read") return has("user:write");
  return false;
}

StatusOr<std::vector<std::string>> NormalizeScopes(const std::vector<std::string>& names) {
  for (const auto& n : names) {
    if (!IsKnownScope(n)) return Status::InvalidArgument("unknown scope: " + n);
  }
  std::vector<std::string> out;
  for (const auto& s : AllScopes()) {
    if (std::find(names.begin(), names.end(), s.name) != names.end()) out.emplace_back(s.name);
  }
  return out;
}

std::vector<std::string> DefaultScopes() { return {"repo:read", "repo:write"}; }

std::string ScopeList(const std::vector<std::string>& scopes) {
  std::string out;
  for (const std::string& s : scopes) out += (out.empty() ? "" : " ") + s;
  return out;
}

}  // namespace wit
