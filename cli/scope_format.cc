#include "cli/scope_format.h"

#include <utility>

#include "base/text_table.h"

namespace wit {

std::string CompactScopes(const std::vector<std::string>& scopes) {
  // (group, "read,write") in order of first appearance; an empty group holds one bare scope.
  std::vector<std::pair<std::string, std::string>> groups;
  for (const std::string& scope : scopes) {
    size_t colon = scope.find(':');
    if (colon == std::string::npos) {
      groups.emplace_back(std::string(), scope);
      continue;
    }
    std::string group = scope.substr(0, colon);
    std::string action = scope.substr(colon + 1);
    bool merged = false;
    for (auto& [name, actions] : groups) {
      if (!name.empty() && name == group) {
        actions += "," + action;
        merged = true;
        break;
      }
    }
    if (!merged) groups.emplace_back(std::move(group), std::move(action));
  }
  std::string out;
  for (const auto& [name, actions] : groups) {
    if (!out.empty()) out += ", ";
    if (!name.empty()) out.append(name).append(":");
    out += actions;
  }
  return out;
}

std::string JoinScopes(const std::vector<std::string>& scopes) { return JoinCells(scopes, ", "); }

}  // namespace wit
