#ifndef WIT_AUDIT_CLI_EVENT_FILTER_H_
#define WIT_AUDIT_CLI_EVENT_FILTER_H_

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time_util.h"
#include "ledger/event.h"

namespace wit {

// EventFilter selects events as `wit-audit replay` does: every criterion that is set must hold
// (AND); a criterion that takes a list holds when any of its values does (OR).
//
// --token-hash and --prefix name a token through its token.created event, the only event that
// carries them: the filter learns the token's id from that event (Learn, or Matches on it) and
// from then on also matches the token's other events.
class EventFilter {
 public:
  std::vector<std::string> token_ids;
  std::optional<std::string> token_hash;
  std::optional<std::string> prefix;
  std::optional<std::string> user;
  std::set<EventType> types;    // empty: every type
  std::optional<TimeMs> since;  // inclusive
  std::optional<TimeMs> until;  // inclusive
  std::optional<std::string> outcome;
  std::optional<std::string> service;
  std::optional<std::string> ip;

  // NeedsResolving is true when --token-hash or --prefix is set: on a log whose streams are not
  // one total order (Kafka), a token's uses can precede its creation, so the caller runs one
  // pass of Learn over the log before the pass that matches.
  bool NeedsResolving() const { return token_hash.has_value() || prefix.has_value(); }

  // Learn records the id of a token.created event that --token-hash or --prefix names.
  void Learn(const Event& event);

  // MayMatch is a cheap necessary test on a stored record: false only if the record's JSON
  // cannot hold an event that Matches. It lets a scan skip decoding most records.
  bool MayMatch(std::string_view payload) const;

  // Matches tells whether `event` is selected; it calls Learn first.
  bool Matches(const Event& event);

  // MatchesToken tells whether the token/user criteria select a token with this id, user and
  // creation (prefix, hash): what `tokens` and `stats` filter on.
  bool MatchesToken(const std::string& id, const std::string& user_id,
                    const std::string& token_prefix, const std::string& hash) const;

 private:
  bool TokenCriteriaHold(const std::string& token_id) const;

  mutable std::optional<bool> ids_literal_;  // MayMatch's cache: every token id is Literal
  std::set<std::string> hash_ids_;           // ids learned for token_hash
  std::set<std::string> prefix_ids_;         // ids learned for prefix
};

// ParseEventTypes reads --type: a comma-separated list of "created", "revoked", "used" (the
// "token." prefix may be given). Unknown names are InvalidArgument.
StatusOr<std::set<EventType>> ParseEventTypes(std::string_view list);

}  // namespace wit

#endif  // WIT_AUDIT_CLI_EVENT_FILTER_H_
