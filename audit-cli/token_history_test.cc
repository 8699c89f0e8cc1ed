#include "audit-cli/token_history.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

Event At(EventType type, const std::string& id, TimeMs at) {
  Event e;
  e.type = type;
  e.event_id = id + std::to_string(at);
  e.occurred_at = at;
  e.token_id = id;
  e.user_id = "alice";
  if (type == EventType::kCreated) {
    e.name = id;
    e.prefix = "abcdefgh";
    e.scopes = {"repo:read", "repo:write"};
  }
  if (type == EventType::kRevoked) e.revoked_by = "alice";
  return e;
}

Event Use(const std::string& id, TimeMs at, const char* outcome, const char* scope) {
  Event e = At(EventType::kUsed, id, at);
  e.outcome = outcome;
  if (std::string(outcome) == "denied") e.reason = "insufficient_scope";
  if (scope) e.scope = scope;
  return e;
}

// On Kafka a token's lifecycle events share a partition (in order) while its uses travel on
// another topic: the fold must not depend on how the two interleave.
TEST(TokenHistoryTest, FoldsWithTheProjectorsRulesWhateverTheTopicInterleaving) {
  std::vector<Event> events = {At(EventType::kCreated, "a", 10),
                               Use("a", 20, "allowed", "repo:read"),
                               Use("a", 30, "denied", "repo:admin"),
                               At(EventType::kRevoked, "a", 40), At(EventType::kCreated, "b", 15)};
  TokenHistory forward, backward;
  for (const Event& e : events) forward.Add(e);
  for (const Event& e : events) {
    if (e.type == EventType::kUsed) backward.Add(e);
  }
  for (const Event& e : events) {
    if (e.type != EventType::kUsed) backward.Add(e);
  }
  for (const TokenHistory* h : {&forward, &backward}) {
    ASSERT_EQ(h->Tokens().size(), 2u);
    EXPECT_EQ(h->Tokens()[0]->id, "b");  // newest first
    const TokenState* a = h->Find("a");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->last_used_at, 20);
    EXPECT_EQ(a->revoked_at, 40);
    EXPECT_EQ(h->Usage("a").allowed, 1u);
    EXPECT_EQ(h->Usage("a").denied, 1u);
    EXPECT_EQ(h->Usage("a").denied_by_reason.at("insufficient_scope"), 1u);
    EXPECT_EQ(h->Usage("a").scopes_used, std::set<std::string>{"repo:read"});
  }
}

TEST(TokenHistoryTest, UsesBeforeCreationAreKeptButPlaceholdersAreNotTokens) {
  TokenHistory h;
  h.Add(Use("a", 20, "allowed", nullptr));
  EXPECT_TRUE(h.Tokens().empty());
  EXPECT_EQ(h.Find("a"), nullptr);
  h.Add(At(EventType::kCreated, "a", 10));
  ASSERT_NE(h.Find("a"), nullptr);
  EXPECT_EQ(h.Find("a")->last_used_at, 20);
  EXPECT_EQ(h.Usage("a").unscoped, 1u);
}

TEST(SuggestScopesTest, DropsWhatAnotherUsedScopeImplies) {
  EXPECT_EQ(SuggestScopes({"repo:read", "repo:write"}), std::vector<std::string>{"repo:write"});
  EXPECT_EQ(SuggestScopes({"repo:read", "user:read"}),
            (std::vector<std::string>{"repo:read", "user:read"}));
  EXPECT_EQ(SuggestScopes({"repo:admin", "repo:read", "user:write", "user:read"}),
            (std::vector<std::string>{"repo:admin", "user:write"}));
  EXPECT_TRUE(SuggestScopes({}).empty());
}

}  // namespace
}  // namespace wit
