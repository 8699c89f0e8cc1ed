#ifndef WIT_PROJECTOR_TOKEN_STATE_H_
#define WIT_PROJECTOR_TOKEN_STATE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time_util.h"
#include "ledger/event.h"
#include "token/token_json.h"

namespace wit {

// TokenState is everything the ledger knows of one token, folded from its events.
struct TokenState {
  // False for a placeholder holding only a use that arrived before the token's creation (on
  // Kafka, uses and lifecycle events travel on different topics). Placeholders are never
  // shown: they only keep lastUsedAt until the creation arrives.
  bool created = true;
  std::string id;
  std::string user_id;
  std::string name;
  std::string prefix;
  std::string token_hash;
  std::vector<std::string> scopes;
  TimeMs created_at = 0;
  std::optional<TimeMs> expires_at;
  std::optional<TimeMs> last_used_at;
  std::optional<TimeMs> revoked_at;
  std::string revoked_by;
  std::string revoked_reason;  // the revocation's reason ("rotated", "leaked"...), or empty
  std::string rotated_from;    // the token this one replaced, or empty
  std::string family_id;       // the first token of its rotation family; empty: itself
  std::vector<std::string> allowed_ips;  // CIDR blocks; empty: any address
  std::vector<std::string> resources;    // globs; empty: any resource
  // The addresses of the latest allowed uses, newest first, each once, at most
  // kLastUsedIpsKept.
  std::vector<std::string> last_used_ips;

  static constexpr size_t kLastUsedIpsKept = 5;

  // FamilyId is the id of the family's first token: family_id, or this token's own id.
  const std::string& FamilyId() const { return family_id.empty() ? id : family_id; }

  bool operator==(const TokenState& o) const;
};

enum class TokenStatus { kActive, kRevoked, kExpired };

// StatusName returns "active", "revoked" or "expired".
const char* StatusName(TokenStatus status);

// StatusAt says what `token` is at time `now`: revoked wins over expired.
TokenStatus StatusAt(const TokenState& token, TimeMs now);

// ToTokenObject is `token` as JSON shows it at time `now` (its status then), with the audit
// fields set; the API's shape leaves them out.
TokenObject ToTokenObject(const TokenState& token, TimeMs now);

// ApplyEvent is the projector's fold: the state of a token after `event`, given its state
// before (nullopt: no such token yet). Pure and idempotent: applying the same event twice gives
// the same state as once. The rules:
//  - token.created makes the token; a second created for the same id changes nothing.
//  - token.revoked marks it revoked at occurredAt, with its reason; the first revocation wins.
//  - token.used with outcome "allowed" moves lastUsedAt forward (never back) and, unless it is
//    older than lastUsedAt, puts its ip first in lastUsedIps; for a token not created yet it
//    leaves a placeholder (created == false) that the creation completes.
//  - any other event for an unknown token, or whose userId is not the token's, changes nothing.
std::optional<TokenState> ApplyEvent(std::optional<TokenState> state, const Event& event);

// UseAdvances is ApplyEvent's rule for an allowed use at `occurred_at` of a token last used at
// `last_used_at`: whether it moves lastUsedAt (to itself) and puts its ip first in lastUsedIps.
inline bool UseAdvances(std::optional<TimeMs> last_used_at, TimeMs occurred_at) {
  return !last_used_at || *last_used_at <= occurred_at;
}

// NamesAnotherUser reports whether `event` is a use or revocation of a known token (or
// placeholder) that names another userId than the token's: ApplyEvent ignores it, and the
// projector counts it as skipped. A use can never move a token across users.
bool NamesAnotherUser(const std::optional<TokenState>& state, const Event& event);

// EncodeTokenState / DecodeTokenState give the compact binary form stored in the view.
std::string EncodeTokenState(const TokenState& token);
StatusOr<TokenState> DecodeTokenState(std::string_view bytes);

}  // namespace wit

#endif  // WIT_PROJECTOR_TOKEN_STATE_H_
