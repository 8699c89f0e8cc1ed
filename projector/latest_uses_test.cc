#include "projector/latest_uses.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <map>
#include <memory>
#include <random>

#include "base/random.h"
#include "ledger/event_codec.h"
#include "projector/token_state.h"
#include "token/token.h"

namespace wit {
namespace {

constexpr char kToken[] = "0b7c2d1e-0000-4000-8000-000000000001";

Event Created() {
  Event e;
  e.type = EventType::kCreated;
  e.event_id = NewUuid();
  e.token_id = kToken;
  e.user_id = "alice";
  e.occurred_at = 1;
  e.name = "ci";
  e.prefix = "ABCDEFGH";
  e.token_hash = HashToken("t");
  e.scopes = {"repo:read"};
  return e;
}

Event Use(TimeMs at, const std::string& ip, const std::string& user = "alice",
          const std::string& outcome = "allowed") {
  Event e;
  e.type = EventType::kUsed;
  e.event_id = NewUuid();
  e.token_id = kToken;
  e.user_id = user;
  e.occurred_at = at;
  e.outcome = outcome;
  if (!ip.empty()) e.ip = ip;
  return e;
}

std::optional<TokenState> Fold(std::optional<TokenState> s, const std::vector<Event>& events) {
  for (const Event& e : events) s = ApplyEvent(std::move(s), e);
  return s;
}

// Coalesce runs `uses` through LatestUses in intervals of `interval` uses and returns what
// it kept, decoded, in order, each with the compaction key it is written under.
std::vector<std::pair<std::string, Event>> Coalesce(const std::vector<Event>& uses,
                                                    size_t interval) {
  LatestUses latest;
  std::vector<std::pair<std::string, Event>> out;
  auto take = [&] {
    for (const LatestUses::Use& u : latest.Take()) {
      StatusOr<Event> e = DecodeEvent(u.payload);
      EXPECT_TRUE(e.ok());
      out.emplace_back(u.token_id + "/" + u.user_id + "/" + u.ip, *e);
    }
  };
  for (size_t i = 0; i < uses.size(); ++i) {
    latest.Add(uses[i], EncodeEvent(uses[i]));
    if ((i + 1) % interval == 0) take();
  }
  take();
  return out;
}

std::vector<Event> Events(const std::vector<std::pair<std::string, Event>>& kept) {
  std::vector<Event> out;
  for (const auto& [key, e] : kept) out.push_back(e);
  return out;
}

// UseMix says what RandomUses draws: up to `max` uses, at times over `span` ms (out of order,
// ties too), one in `no_ip` without an address, the rest from 9; one in 10 naming "mallory"
// when `others`, one in 8 denied when `denied`.
struct UseMix {
  int max = 40;
  TimeMs span = 60;
  unsigned no_ip = 5;
  bool others = true;
  bool denied = false;
};

std::vector<Event> RandomUses(std::mt19937* rng, const UseMix& mix) {
  std::vector<Event> uses;
  int n = 1 + static_cast<int>((*rng)() % static_cast<unsigned>(mix.max));
  for (int i = 0; i < n; ++i) {
    TimeMs at = 1000 + static_cast<TimeMs>((*rng)() % static_cast<unsigned>(mix.span));
    std::string ip = (*rng)() % mix.no_ip == 0 ? "" : "10.0.0." + std::to_string((*rng)() % 9);
    std::string user = mix.others && (*rng)() % 10 == 0 ? "mallory" : "alice";
    std::string outcome = mix.denied && (*rng)() % 8 == 0 ? "denied" : "allowed";
    uses.push_back(Use(at, ip, user, outcome));
  }
  return uses;
}

// Compacted keeps, as log compaction does, only the last record of each key, in order.
std::vector<Event> Compacted(const std::vector<std::pair<std::string, Event>>& written) {
  std::map<std::string, size_t> last;  // key → index of its last record
  for (size_t i = 0; i < written.size(); ++i) last[written[i].first] = i;
  std::vector<Event> out;
  for (size_t i = 0; i < written.size(); ++i) {
    if (last[written[i].first] == i) out.push_back(written[i].second);
  }
  return out;
}

// ViewReads says how the view is read in CoalesceAcrossOwners. kNone: not at all, every use
// kept is written. kReliable: every read answers. kFailing: one read in 4 fails, and that use
// and those after it wait for the owner's next write, which commits nothing until they are
// written (SelectUsesToWrite, as the coalescer does). kFailingWrittenUnchecked: the same
// failures, but such a use is written unchecked.
enum class ViewReads { kNone, kReliable, kFailing, kFailingWrittenUnchecked };

// CoalesceAcrossOwners runs `uses` (of the created token) through a partition's owners as the
// coalescer does: every `interval` uses the owner writes what it kept and commits. At random
// an owner dies before its write, or after it and before the commit, and a new one (which knows
// nothing the last one handed out) reads the uses again from the last commit. Unless `reads` is
// kNone, each write keeps only the uses that move the owner's view (MovesKnownToken): the view
// has folded at least everything written before its owner began (it caught up with the topic
// then), and of its own writes since, some or none, as a view that lags does.
std::vector<std::pair<std::string, Event>> CoalesceAcrossOwners(const std::vector<Event>& uses,
                                                                size_t interval, ViewReads reads,
                                                                std::mt19937* rng) {
  const std::optional<TokenState> created = Fold(std::nullopt, {Created()});
  auto latest = std::make_unique<LatestUses>();
  std::vector<LatestUses::Use> waiting;  // uses a failed view read held back
  std::vector<std::pair<std::string, Event>> out;
  size_t written_at_start = 0;  // what the owner's view has folded for sure
  size_t committed = 0;
  size_t next = 0;
  while (committed < uses.size()) {
    if (waiting.empty()) {  // the coalescer reads no more while uses wait
      size_t end = std::min(uses.size(), next + interval);
      for (; next < end; ++next) latest->Add(uses[next], EncodeEvent(uses[next]));
    }
    unsigned fate = (*rng)() % 4;  // 0: dies before the write; 1: after it; else commits
    if (fate != 0) {
      size_t seen = written_at_start + (*rng)() % (out.size() - written_at_start + 1);
      std::vector<std::pair<std::string, Event>> prefix(
          out.begin(), out.begin() + static_cast<std::ptrdiff_t>(seen));
      std::optional<TokenState> view = Fold(created, Events(prefix));
      auto read = [&](const std::string&) -> StatusOr<TokenState> {
        if (reads != ViewReads::kReliable && (*rng)() % 4 == 0) {
          return Status::Unavailable("the view cannot be read");
        }
        return *view;
      };
      std::vector<LatestUses::Use> kept = std::move(waiting);
      waiting.clear();
      for (LatestUses::Use& u : latest->Take()) kept.push_back(std::move(u));
      std::vector<LatestUses::Use> write;
      if (reads == ViewReads::kNone) {
        write = std::move(kept);
      } else if (reads == ViewReads::kFailingWrittenUnchecked) {
        for (LatestUses::Use& u : kept) {
          StatusOr<TokenState> known = read(u.token_id);
          if (!known.ok() || MovesKnownToken(*known, u)) write.push_back(std::move(u));
        }
      } else {
        UsesToWrite checked = SelectUsesToWrite(std::move(kept), read);
        write = std::move(checked.write);
        waiting = std::move(checked.unchecked);
      }
      for (const LatestUses::Use& u : write) {
        StatusOr<Event> e = DecodeEvent(u.payload);
        EXPECT_TRUE(e.ok());
        out.emplace_back(u.token_id + "/" + u.user_id + "/" + u.ip, *e);
      }
    }
    if (fate >= 2) {
      if (waiting.empty()) committed = next;
      continue;
    }
    latest = std::make_unique<LatestUses>();
    waiting.clear();
    written_at_start = out.size();
    next = committed;
  }
  return out;
}

TEST(LatestUsesTest, KeepsTheLatestUseOfEachRecentAddressInOrder) {
  std::vector<Event> uses = {
      Use(10, "10.0.0.1"), Use(20, "10.0.0.2"),
      Use(30, "10.0.0.1"), Use(25, "10.0.0.3"),  // older than the one before: moves nothing
      Use(40, ""),         Use(50, "10.0.0.2", "alice", "denied")};
  std::vector<Event> kept = Events(Coalesce(uses, 100));
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0].event_id, uses[1].event_id);
  EXPECT_EQ(kept[1].event_id, uses[2].event_id);
  EXPECT_EQ(kept[2].event_id, uses[4].event_id);
  std::optional<TokenState> all = Fold(Fold(std::nullopt, {Created()}), uses);
  std::optional<TokenState> coalesced = Fold(Fold(std::nullopt, {Created()}), kept);
  EXPECT_EQ(*all, *coalesced);
  EXPECT_EQ(coalesced->last_used_at, 40);
  EXPECT_EQ(coalesced->last_used_ips, (std::vector<std::string>{"10.0.0.1", "10.0.0.2"}));
}

TEST(LatestUsesTest, KeepsAtMostOneUsePerAddressKeptAndTheLatest) {
  std::vector<Event> uses;
  for (int i = 0; i < 1000; ++i) uses.push_back(Use(i, "10.0." + std::to_string(i % 37) + ".1"));
  uses.push_back(Use(2000, ""));
  EXPECT_EQ(Coalesce(uses, 100000).size(), TokenState::kLastUsedIpsKept + 1);
}

TEST(LatestUsesTest, ALateUseIsNotHandedOutAgainAfterANewerOne) {
  LatestUses latest;
  Event newer = Use(100, "10.0.0.1"), late = Use(95, "10.0.0.1");
  latest.Add(newer, EncodeEvent(newer));
  EXPECT_EQ(latest.Take().size(), 1u);
  latest.Add(late, EncodeEvent(late));
  EXPECT_TRUE(latest.Take().empty());
  latest.Forget();  // the partition went to another node: nothing is remembered
  latest.Add(late, EncodeEvent(late));
  EXPECT_EQ(latest.Take().size(), 1u);
}

TEST(LatestUsesTest, AUseNamingAnotherUserCannotDisplaceTheRealOnes) {
  // A service publishing a forged use first must not make the token's own uses vanish.
  std::vector<Event> uses = {Use(100, "6.6.6.6", "mallory"), Use(50, "10.0.0.1"),
                             Use(60, "10.0.0.2")};
  std::vector<Event> kept = Events(Coalesce(uses, 100));
  std::optional<TokenState> all = Fold(Fold(std::nullopt, {Created()}), uses);
  std::optional<TokenState> coalesced = Fold(Fold(std::nullopt, {Created()}), kept);
  EXPECT_EQ(*all, *coalesced);
  EXPECT_EQ(coalesced->last_used_at, 60);
}

// The property the lastused topic rests on: from any state, folding what LatestUses kept gives
// what folding every use gives, however the uses are cut into intervals.
TEST(LatestUsesTest, FoldingTheKeptUsesEqualsFoldingThemAllFromAnyState) {
  std::mt19937 rng(20261203);
  for (int round = 0; round < 2000; ++round) {
    // Uses naming another user than the token's, once it exists. (Before, the first use to
    // arrive names the placeholder's user, so which one wins depends on arrival anyway.)
    UseMix mix;
    mix.others = round % 3 != 0;
    mix.denied = true;
    std::vector<Event> uses = RandomUses(&rng, mix);
    // Before: nothing, a placeholder, or a created token with uses of its own.
    std::optional<TokenState> before;
    if (round % 3 != 0) before = Fold(std::nullopt, {Created()});
    if (round % 3 == 2) {
      before = Fold(before, {Use(1000 + static_cast<TimeMs>(rng() % 60), "10.0.0.7"),
                             Use(1000 + static_cast<TimeMs>(rng() % 60), "10.0.0.8")});
    }
    size_t interval = 1 + rng() % 12;
    std::optional<TokenState> all = Fold(before, uses);
    std::optional<TokenState> coalesced = Fold(before, Events(Coalesce(uses, interval)));
    ASSERT_EQ(all.has_value(), coalesced.has_value()) << "round " << round;
    if (all) {
      ASSERT_EQ(*all, *coalesced) << "round " << round;
    }
  }
}

// Many uses over a short span: late arrivals and ties.
constexpr UseMix kLateUses{60, 40, 6, true, false};

// A rebuild reads the topic after compaction has kept only the last record of each key. What
TEST(LatestUsesTest, TheCompactedTopicFoldsToTheSameState) {
  std::mt19937 rng(7);
  for (int round = 0; round < 1000; ++round) {
    std::vector<Event> uses = RandomUses(&rng, kLateUses);
    std::vector<Event> compacted = Compacted(Coalesce(uses, 1 + rng() % 10));
    std::optional<TokenState> created = Fold(std::nullopt, {Created()});
    ASSERT_EQ(*Fold(created, uses), *Fold(created, compacted)) << "round " << round;
  }
}

// The same across a partition's owners, which die and take over at random: the live fold (every
// record written, repeats included) and the compacted topic's both equal folding every use,
// because a new owner writes only what moves its view, also when view reads fail (a use it
// cannot check waits). Without the view, or with a use written unchecked when its read fails,
// a late use a new owner writes again can displace a newer record of its address, and some
// rounds differ: the check that this test can fail.
TEST(LatestUsesTest, TheCompactedTopicFoldsToTheSameStateAcrossOwners) {
  for (ViewReads reads : {ViewReads::kReliable, ViewReads::kFailing, ViewReads::kNone,
                          ViewReads::kFailingWrittenUnchecked}) {
    std::mt19937 rng(20261204);
    int differ = 0;
    for (int round = 0; round < 2000; ++round) {
      std::vector<Event> uses = RandomUses(&rng, kLateUses);
      std::vector<std::pair<std::string, Event>> written =
          CoalesceAcrossOwners(uses, 1 + rng() % 10, reads, &rng);
      std::optional<TokenState> created = Fold(std::nullopt, {Created()});
      TokenState all = *Fold(created, uses);
      ASSERT_EQ(all, *Fold(created, Events(written))) << "round " << round;
      if (!(all == *Fold(created, Compacted(written)))) ++differ;
    }
    if (reads == ViewReads::kReliable || reads == ViewReads::kFailing) {
      EXPECT_EQ(differ, 0) << static_cast<int>(reads);
    } else {
      EXPECT_GT(differ, 0) << static_cast<int>(reads);
    }
  }
}

// A read that fails for now holds back its use and every later one, in order, with the error;
// NotFound (a token new to the view) and a record the view cannot decode are written as they
// are, and a use that cannot move its token is left out and counted.
TEST(LatestUsesTest, AUseWhoseTokenCannotBeReadWaitsWithThoseAfterIt) {
  TokenState known = *Fold(Fold(std::nullopt, {Created()}), {Use(100, "10.0.0.1")});
  auto use = [](const std::string& token, TimeMs at) {
    return LatestUses::Use{token, "alice", "10.0.0.2", at, std::to_string(at)};
  };
  auto read = [&](const std::string& token) -> StatusOr<TokenState> {
    if (token == "new") return Status::NotFound("no such token");
    if (token == "damaged") return Status::Internal("view record is damaged");
    if (token == "broken") return Status::Unavailable("IO error: the view's disk");
    return known;
  };
  UsesToWrite w = SelectUsesToWrite({use(kToken, 101), use(kToken, 99), use("new", 5),
                                     use("damaged", 6), use("broken", 7), use(kToken, 102)},
                                    read);
  ASSERT_EQ(w.write.size(), 3u);
  EXPECT_EQ(w.write[0].payload, "101");
  EXPECT_EQ(w.write[1].payload, "5");
  EXPECT_EQ(w.write[2].payload, "6");  // waiting would not mend the record
  EXPECT_EQ(w.superseded, 1u);
  ASSERT_EQ(w.unchecked.size(), 2u);
  EXPECT_EQ(w.unchecked[0].token_id, "broken");
  EXPECT_EQ(w.unchecked[1].payload, "102");
  EXPECT_EQ(w.read_error.code(), Status::Code::kUnavailable);

  UsesToWrite all = SelectUsesToWrite({use(kToken, 103)}, read);
  EXPECT_EQ(all.write.size(), 1u);
  EXPECT_TRUE(all.unchecked.empty());
  EXPECT_TRUE(all.read_error.ok());
}

TEST(LatestUsesTest, AUseMovesAKnownTokenOnlyIfNotOlderAndItsOwn) {
  TokenState known = *Fold(Fold(std::nullopt, {Created()}), {Use(100, "10.0.0.1")});
  auto use = [](TimeMs at, const std::string& user) {
    return LatestUses::Use{kToken, user, "10.0.0.2", at, ""};
  };
  EXPECT_TRUE(MovesKnownToken(known, use(100, "alice")));  // a tie moves its address first
  EXPECT_TRUE(MovesKnownToken(known, use(101, "alice")));
  EXPECT_FALSE(MovesKnownToken(known, use(99, "alice")));
  EXPECT_FALSE(MovesKnownToken(known, use(101, "mallory")));
  TokenState never_used = *Fold(std::nullopt, {Created()});
  EXPECT_TRUE(MovesKnownToken(never_used, use(1, "alice")));
}

}  // namespace
}  // namespace wit
