#ifndef WIT_AUDIT_CLI_TOKEN_HISTORY_H_
#define WIT_AUDIT_CLI_TOKEN_HISTORY_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ledger/event.h"
#include "projector/token_state.h"

namespace wit {

// TokenUsage is what the uses of one token add up to, beyond what its TokenState keeps.
struct TokenUsage {
  uint64_t allowed = 0;
  uint64_t denied = 0;
  uint64_t unscoped = 0;              // allowed uses that named no scope
  std::set<std::string> scopes_used;  // the `scope` of allowed uses that named one
  std::map<std::string, uint64_t> denied_by_reason;
};

// TokenHistory folds events into the state of every token with the projector's own ApplyEvent,
// so `wit-audit tokens --as-of` answers exactly what the view would have said then. As for the
// projector, a token's lifecycle events must come in log order (on Kafka they share a
// partition); its uses may come before or after them. Use counts count use events as the log
// holds them.
//
//   TokenHistory h;
//   for (const Event& e : events_up_to_t) h.Add(e);
//   const TokenState* s = h.Find(id);  // StatusAt(*s, t) is its status at t
class TokenHistory {
 public:
  void Add(const Event& event);

  // Tokens returns every created token (never a placeholder), newest first.
  std::vector<const TokenState*> Tokens() const;

  // Find returns a created token by id, or nullptr.
  const TokenState* Find(const std::string& id) const;

  // Usage returns the uses of token `id` (empty if it has none).
  const TokenUsage& Usage(const std::string& id) const;

 private:
  std::map<std::string, std::optional<TokenState>> states_;
  std::map<std::string, TokenUsage> usage_;
};

// SuggestScopes returns the smallest scope list that still grants every scope in `used`: a
// scope another used scope implies is dropped (repo:write covers repo:read). Display order.
std::vector<std::string> SuggestScopes(const std::set<std::string>& used);

}  // namespace wit

#endif  // WIT_AUDIT_CLI_TOKEN_HISTORY_H_
