// EventMix generates a realistic ledger for the rebuild benchmark: about 10% token.created,
// 85% token.used and 5% token.revoked, over tokens spread across about 1000 users.
#ifndef WIT_BENCH_EVENT_MIX_H_
#define WIT_BENCH_EVENT_MIX_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ledger/event.h"

namespace wit::bench {

// EventMix is one appender's share of the log. It owns its tokens, so appending its events in
// order from one thread keeps every token's history in order (created, used..., revoked) even
// while many mixes append concurrently. Deterministic for a given seed, apart from the uuids and
// token secrets, which come from the CSPRNG. Not thread-safe: one mix per thread.
class EventMix {
 public:
  static constexpr int kUsers = 1000;

  explicit EventMix(uint64_t seed) : rng_(seed) {}

  // Next returns the next event: a new token when it owns none yet or with probability 10%,
  // a revocation of one of its active tokens with probability 5%, else a use of one of its
  // tokens (allowed if active, denied "revoked" otherwise).
  Event Next();

  size_t created() const { return tokens_.size(); }
  size_t revoked() const { return revoked_; }
  size_t used() const { return used_; }

 private:
  struct OwnedToken {
    std::string id;
    std::string user;
    bool active = true;
  };

  Event Created();
  Event Revoked();
  Event Used();
  Event Base(EventType type, const OwnedToken& token);

  std::mt19937_64 rng_;
  std::vector<OwnedToken> tokens_;
  std::vector<size_t> active_;  // indexes into tokens_ of the tokens not yet revoked
  size_t revoked_ = 0;
  size_t used_ = 0;
};

}  // namespace wit::bench

#endif  // WIT_BENCH_EVENT_MIX_H_
