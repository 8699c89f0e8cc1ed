#ifndef WIT_PROJECTOR_LATEST_USES_H_
#define WIT_PROJECTOR_LATEST_USES_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "base/time_util.h"
#include "ledger/event.h"
#include "projector/token_state.h"

namespace wit {

// LatestUses keeps, of a run of uses, the few that fold (ApplyEvent) to the same lastUsedAt and
// lastUsedIps as the whole run, from any state the token was in before it: for each token and
// userId, the latest use of each of the last TokenState::kLastUsedIpsKept addresses it was used
// from, and its latest use. "Latest" is by the fold's own rule (UseAdvances): a use older than
// one before it moves nothing, so it is dropped. Uses are grouped by userId as well as token,
// so that a use naming another user (which the fold ignores) cannot displace the real ones.
// Denied uses are dropped: the fold ignores them. Memory is bounded per token (at most
// kLastUsedIpsKept + 1 uses kept), whatever the number of uses or addresses.
//
// Across Takes it remembers, per token and userId, the latest time it handed out, and drops a
// use older than that: every reader of what it handed out has folded that time already, so the
// fold would drop the use too. What it hands out is therefore in time order per token and
// userId, which is what lets compaction keep only the last record of each address (see
// usage_coalescer.h). Not thread-safe.
//
//   LatestUses latest;
//   for (...) latest.Add(event, payload);
//   for (const LatestUses::Use& u : latest.Take()) publish(u.token_id, u.ip, u.payload);
class LatestUses {
 public:
  // A kept use: its token, the userId it names, its ip ("" when it has none), when it happened
  // and the record's payload as read.
  struct Use {
    std::string token_id;
    std::string user_id;
    std::string ip;
    TimeMs occurred_at = 0;
    std::string payload;
  };

  // Add offers `use` (a token.used event) with the payload it was decoded from.
  void Add(const Event& use, std::string payload);

  // Take returns the uses kept since the last Take, in the order they were added (the order
  // the fold must see them in), and forgets them.
  std::vector<Use> Take();

  // Forget drops the uses kept and the times handed out: when the partitions they came from
  // went to another node, which goes on from the last commit.
  void Forget() {
    groups_.clear();
    handed_out_.clear();
  }

  // How many tokens (and userIds) have uses kept.
  size_t tokens() const { return groups_.size(); }

  // The latest times handed out are remembered for at most this many tokens and userIds; past
  // it they are forgotten, and a late use may be handed out again (the fold still drops it).
  static constexpr size_t kHandedOutKept = 1'000'000;

 private:
  struct Kept {
    uint64_t seq = 0;  // the order it was added in
    std::string ip;
    TimeMs occurred_at = 0;
    std::string payload;
  };
  struct Group {
    std::string token_id;
    std::string user_id;
    std::optional<TimeMs> last_used_at;  // of the uses kept so far, as the fold has it
    std::vector<Kept> by_ip;             // the latest use of each address, newest first
    Kept latest;
  };

  std::unordered_map<std::string, Group> groups_;       // by tokenId and userId
  std::unordered_map<std::string, TimeMs> handed_out_;  // the latest time Take returned, by them
  uint64_t seq_ = 0;
};

// MovesKnownToken reports whether `use` can still move `known`, a created token as a node's view
// has folded it: false when it names another user or is older than the token's lastUsedAt, so
// that every fold that has seen `known` drops it. A partition's new owner, which does not know
// what the last one wrote, writes only such uses once its view has read the lastused topic to
// its end: what it writes then comes after everything written before it, per token and userId,
// which is what keeps the compacted topic folding as the live one did (usage_coalescer.h).
bool MovesKnownToken(const TokenState& known, const LatestUses::Use& use);

// UsesToWrite is SelectUsesToWrite's answer: what of a run of uses a coalescer writes now.
struct UsesToWrite {
  std::vector<LatestUses::Use> write;      // in their order: each moves its token, or the view
                                           // does not know the token yet
  size_t superseded = 0;                   // left out: MovesKnownToken said no
  std::vector<LatestUses::Use> unchecked;  // from the first use whose token could not be read
  Status read_error;                       // that read's error; OK when `unchecked` is empty
};

// SelectUsesToWrite checks `uses` (in the order the fold must see them) against the view, one
// token read (`read_token`, the view's GetById) each: a use that cannot move its token as the
// view has it is left out, one of a token the view does not know (NotFound) is written as it
// is, and so is one whose record the view holds but cannot decode (Internal: waiting would not
// change that). A read that fails for now (Unavailable: RocksDB's read error) stops the check
// there: that use and every one after it come back unchecked, in order, to be checked again
// before any is written, for written unchecked a late use could follow a newer record of its
// address. (Those after it are held back too, so that what is written stays in the uses'
// order.)
//
//   UsesToWrite w = SelectUsesToWrite(latest.Take(), [&](auto& id) { return view.GetById(id); });
UsesToWrite SelectUsesToWrite(
    std::vector<LatestUses::Use> uses,
    const std::function<StatusOr<TokenState>(const std::string& token_id)>& read_token);

}  // namespace wit

#endif  // WIT_PROJECTOR_LATEST_USES_H_
