#include "audit-cli/token_history.h"

#include <algorithm>

#include "token/scopes.h"

namespace wit {

void TokenHistory::Add(const Event& e) {
  std::optional<TokenState>& state = states_[e.token_id];
  // As the view: an event naming another user than the token's changes and counts nothing.
  if (NamesAnotherUser(state, e)) return;
  state = ApplyEvent(std::move(state), e);
  if (e.type != EventType::kUsed) return;
  TokenUsage& usage = usage_[e.token_id];
  if (e.outcome == "allowed") {
    ++usage.allowed;
    if (e.scope) {
      usage.scopes_used.insert(*e.scope);
    } else {
      ++usage.unscoped;
    }
  } else {
    ++usage.denied;
    ++usage.denied_by_reason[e.reason.value_or("unspecified")];
  }
}

std::vector<const TokenState*> TokenHistory::Tokens() const {
  std::vector<const TokenState*> out;
  for (const auto& [id, state] : states_) {
    if (state && state->created) out.push_back(&*state);
  }
  std::stable_sort(out.begin(), out.end(), [](const TokenState* a, const TokenState* b) {
    return a->created_at > b->created_at;
  });
  return out;
}

const TokenState* TokenHistory::Find(const std::string& id) const {
  auto it = states_.find(id);
  if (it == states_.end() || !it->second || !it->second->created) return nullptr;
  return &*it->second;
}

const TokenUsage& TokenHistory::Usage(const std::string& id) const {
  static const TokenUsage kNone;
  auto it = usage_.find(id);
  return it == usage_.end() ? kNone : it->second;
}

std::vector<std::string> SuggestScopes(const std::set<std::string>& used) {
  std::vector<std::string> out;
  for (const ScopeInfo& scope : AllScopes()) {
    if (!used.count(scope.name)) continue;
    bool implied = std::any_of(used.begin(), used.end(), [&](const std::string& other) {
      return other != scope.name && ScopesGrant({other}, scope.name);
    });
    if (!implied) out.emplace_back(scope.name);
  }
  return out;
}

}  // namespace wit
