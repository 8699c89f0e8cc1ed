// TokenView::Apply folds a batch token by token, not in log order: the view it leaves must be
// the one that applying the same events one at a time, in log order, leaves.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "base/random.h"
#include "projector/token_view.h"

namespace wit {
namespace {

namespace fs = std::filesystem;

// The hashes and prefixes creations take: few, so that two tokens of a batch share one, as a
// forged creation or a prefix taken on two nodes at once makes them. The later creation in the
// log owns the index entry, however the batch is cut.
const char* const kHashes[] = {"a", "b", "c"};
const char* const kPrefixes[] = {"AbCd1234", "EfGh5678"};

// RandomEvents returns `n` events over `tokens` tokens of alice, in a random order that mixes
// what a log can hold: creations (also twice), uses before the creation, uses by alice and by
// bob (another user), denied uses, revocations (also twice), times that go back.
std::vector<Event> RandomEvents(std::mt19937* rng, const std::vector<std::string>& tokens,
                                size_t n) {
  std::vector<Event> events;
  for (size_t i = 0; i < n; ++i) {
    Event e;
    e.event_id = NewUuid();
    e.token_id = tokens[(*rng)() % tokens.size()];
    e.user_id = (*rng)() % 6 == 0 ? "bob" : "alice";
    e.occurred_at = 1'800'000'000'000 + static_cast<TimeMs>((*rng)() % 1000);
    switch ((*rng)() % 6) {
      case 0:
        e.type = EventType::kCreated;
        e.name = "ci";
        e.prefix = kPrefixes[(*rng)() % 2];
        e.token_hash = std::string(64, kHashes[(*rng)() % 3][0]);
        e.scopes = {"repo:read"};
        break;
      case 1:
        e.type = EventType::kRevoked;
        e.revoked_by = e.user_id;
        e.reason = "leaked";
        break;
      default:
        e.type = EventType::kUsed;
        e.outcome = (*rng)() % 5 == 0 ? "denied" : "allowed";
        if (e.outcome == "denied") e.reason = "insufficient_scope";
        e.ip = "10.0.0." + std::to_string((*rng)() % 8);
        e.service = "git";
        break;
    }
    events.push_back(std::move(e));
  }
  return events;
}

std::vector<std::string> Ids(const std::vector<TokenState>& tokens) {
  std::vector<std::string> ids;
  for (const TokenState& t : tokens) ids.push_back(t.id);
  return ids;
}

TEST(TokenViewApplyTest, ABatchLeavesTheViewThatItsEventsOneAtATimeLeave) {
  fs::path root = fs::temp_directory_path() / ("wit-view-apply-" + NewUuid());
  fs::create_directories(root);
  std::mt19937 rng(20261205);
  for (int run = 0; run < 40; ++run) {
    std::vector<std::string> tokens;
    for (int i = 0; i < 5; ++i) tokens.push_back(NewUuid());
    std::vector<Event> events = RandomEvents(&rng, tokens, 80);
    auto batched = TokenView::Open((root / ("batch-" + std::to_string(run))).string());
    auto single = TokenView::Open((root / ("single-" + std::to_string(run))).string());
    ASSERT_TRUE(batched.ok()) << batched.status().ToString();
    ASSERT_TRUE(single.ok()) << single.status().ToString();

    TokenView::ApplyStats in_batch;
    ASSERT_TRUE((*batched)->Apply(events, {{"s", events.size()}}, &in_batch).ok());
    TokenView::ApplyStats one_by_one;
    for (size_t i = 0; i < events.size(); ++i) {
      ASSERT_TRUE((*single)->Apply({events[i]}, {{"s", i + 1}}, &one_by_one).ok());
    }

    EXPECT_EQ(in_batch.applied, one_by_one.applied) << "run " << run;
    EXPECT_EQ(in_batch.foreign_user, one_by_one.foreign_user) << "run " << run;
    EXPECT_EQ((*batched)->ListAll(), (*single)->ListAll()) << "run " << run;
    for (auto listing : {TokenView::Listing::kAll, TokenView::Listing::kUnrevoked}) {
      for (const char* user : {"alice", "bob"}) {
        EXPECT_EQ(Ids((*batched)->ListByUser(user, listing)),
                  Ids((*single)->ListByUser(user, listing)))
            << "run " << run << ", " << user;
      }
    }
    for (const char* h : kHashes) {
      auto a = (*batched)->GetByHash(std::string(64, h[0]));
      auto b = (*single)->GetByHash(std::string(64, h[0]));
      ASSERT_EQ(a.ok(), b.ok()) << "run " << run;
      if (a.ok()) {
        EXPECT_EQ(a->id, b->id) << "run " << run << ", hash " << h;
      }
    }
    for (const char* prefix : kPrefixes) {
      EXPECT_EQ((*batched)->PrefixTaken(prefix), (*single)->PrefixTaken(prefix)) << "run " << run;
    }
  }
  fs::remove_all(root);
}

}  // namespace
}  // namespace wit
