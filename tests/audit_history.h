#ifndef WIT_TESTS_AUDIT_HISTORY_H_
#define WIT_TESTS_AUDIT_HISTORY_H_

#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "ledger/event.h"

namespace wit::testing {

// HistoryToken is one token of a generated history, with everything a test needs to compute
// the expected answers on its own: the plaintext (for --token), its lifecycle and its uses.
struct HistoryToken {
  std::string plaintext;
  std::string id;
  std::string user;
  std::string name;
  std::string prefix;
  std::string hash;
  std::vector<std::string> scopes;
  TimeMs created = 0;
  std::optional<TimeMs> expires;
  std::optional<TimeMs> revoked;
  std::string revoked_by;
  std::vector<const Event*> uses;  // into History::events, in time order
};

// History is a generated ledger: several users, hundreds of tokens with and without expiry,
// some revoked, some never used, thousands of uses allowed and denied (revoked, expired,
// insufficient_scope), with the outcome each use would have had at witd. Every event has its
// own occurredAt; `events` is in time order, as witd would have written them.
struct History {
  static constexpr TimeMs kStart = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
  static constexpr TimeMs kEnd = kStart + 300 * 86'400'000LL;

  std::vector<HistoryToken> tokens;
  std::vector<Event> events;

  // Generate builds a history from `seed` (the same seed gives the same shape).
  static History Generate(uint32_t seed, int users = 5, int tokens = 300, int uses = 5000);

  // Select returns the events `keep` selects, in log order.
  std::vector<const Event*> Select(const std::function<bool(const Event&)>& keep) const;

  // Find returns the token with `id`.
  const HistoryToken& Find(const std::string& id) const;

  // StatusAt is the expected status of `token` at `t` as the contract defines it ("active",
  // "revoked", "expired"), or "" if it did not exist yet.
  static std::string StatusAt(const HistoryToken& token, TimeMs t);

  // LastUsedAt is the time of the token's last allowed use at or before `t`.
  static std::optional<TimeMs> LastUsedAt(const HistoryToken& token, TimeMs t);
};

}  // namespace wit::testing

#endif  // WIT_TESTS_AUDIT_HISTORY_H_
