#include "projector/token_state.h"

#include <gtest/gtest.h>

#include "base/random.h"
#include "token/token.h"

namespace wit {
namespace {

Event MakeEvent(EventType type, const std::string& token_id, TimeMs at) {
  Event e;
  e.type = type;
  e.event_id = NewUuid();
  e.token_id = token_id;
  e.user_id = "alice";
  e.occurred_at = at;
  if (type == EventType::kCreated) {
    e.name = "ci";
    e.prefix = "ABCDEFGH";
    e.token_hash = HashToken("t");
    e.scopes = {"repo:read"};
  }
  if (type == EventType::kRevoked) e.revoked_by = "alice";
  if (type == EventType::kUsed) e.outcome = "allowed";
  return e;
}

TEST(TokenStateTest, CreateRevokeUseFold) {
  std::string id = NewUuid();
  auto s = ApplyEvent(std::nullopt, MakeEvent(EventType::kCreated, id, 1000));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->created_at, 1000);
  EXPECT_EQ(StatusAt(*s, 2000), TokenStatus::kActive);
  s = ApplyEvent(s, MakeEvent(EventType::kUsed, id, 3000));
  EXPECT_EQ(s->last_used_at, 3000);
  s = ApplyEvent(s, MakeEvent(EventType::kUsed, id, 2500));  // late arrival: never moves back
  EXPECT_EQ(s->last_used_at, 3000);
  s = ApplyEvent(s, MakeEvent(EventType::kRevoked, id, 4000));
  EXPECT_EQ(s->revoked_at, 4000);
  s = ApplyEvent(s, MakeEvent(EventType::kRevoked, id, 5000));  // first revocation wins
  EXPECT_EQ(s->revoked_at, 4000);
  EXPECT_EQ(StatusAt(*s, 6000), TokenStatus::kRevoked);
}

TEST(TokenStateTest, RotationLimitsReasonsAndLastAddressesFold) {
  std::string id = NewUuid(), first = NewUuid();
  Event c = MakeEvent(EventType::kCreated, id, 1000);
  c.rotated_from = first;
  c.family_id = first;
  c.allowed_ips = std::vector<std::string>{"10.0.0.0/8"};
  c.resources = std::vector<std::string>{"acme/*"};
  auto s = ApplyEvent(std::nullopt, c);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->rotated_from, first);
  EXPECT_EQ(s->FamilyId(), first);
  EXPECT_EQ(s->allowed_ips, std::vector<std::string>{"10.0.0.0/8"});
  EXPECT_EQ(s->resources, std::vector<std::string>{"acme/*"});
  auto use = [&](TimeMs at, const char* ip) {
    Event u = MakeEvent(EventType::kUsed, id, at);
    u.ip = ip;
    return u;
  };
  int at = 2000;
  for (const char* ip :
       {"10.0.0.1", "10.0.0.2", "10.0.0.1", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"}) {
    s = ApplyEvent(s, use(at++, ip));
  }
  std::vector<std::string> latest = {"10.0.0.6", "10.0.0.5", "10.0.0.4", "10.0.0.3", "10.0.0.1"};
  EXPECT_EQ(s->last_used_ips, latest);
  s = ApplyEvent(s, use(1500, "10.9.9.9"));  // an older use arriving late reorders nothing
  EXPECT_EQ(s->last_used_ips, latest);
  Event r = MakeEvent(EventType::kRevoked, id, 9000);
  r.reason = "rotated";
  s = ApplyEvent(s, r);
  EXPECT_EQ(s->revoked_reason, "rotated");
  Event again = MakeEvent(EventType::kRevoked, id, 9500);
  again.reason = "reuse_detected";
  EXPECT_EQ(ApplyEvent(s, again)->revoked_reason, "rotated") << "the first revocation wins";
  // A token no rotation made is its own family.
  EXPECT_EQ(ApplyEvent(std::nullopt, MakeEvent(EventType::kCreated, first, 1))->FamilyId(), first);
}

TEST(TokenStateTest, ApplyingTwiceChangesNothing) {
  std::string id = NewUuid();
  std::vector<Event> events = {MakeEvent(EventType::kCreated, id, 1),
                               MakeEvent(EventType::kUsed, id, 2),
                               MakeEvent(EventType::kRevoked, id, 3)};
  std::optional<TokenState> once, twice;
  for (const auto& e : events) once = ApplyEvent(once, e);
  for (const auto& e : events) twice = ApplyEvent(ApplyEvent(twice, e), e);
  ASSERT_TRUE(once && twice);
  EXPECT_TRUE(*once == *twice);
}

TEST(TokenStateTest, UseBeforeCreationLeavesAPlaceholderTheCreationCompletes) {
  std::string id = NewUuid();
  auto s = ApplyEvent(std::nullopt, MakeEvent(EventType::kUsed, id, 40));
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->created);
  s = ApplyEvent(s, MakeEvent(EventType::kUsed, id, 50));  // later uses move it forward
  s = ApplyEvent(s, MakeEvent(EventType::kUsed, id, 45));
  EXPECT_EQ(s->last_used_at, 50);
  s = ApplyEvent(s, MakeEvent(EventType::kRevoked, id, 60));  // nothing to revoke yet
  EXPECT_FALSE(s->revoked_at);
  s = ApplyEvent(s, MakeEvent(EventType::kCreated, id, 10));
  EXPECT_TRUE(s->created);
  EXPECT_EQ(s->name, "ci");
  EXPECT_EQ(s->last_used_at, 50);
  auto again = ApplyEvent(s, MakeEvent(EventType::kCreated, id, 10));
  EXPECT_TRUE(*again == *s);
}

TEST(TokenStateTest, TheOrderOfUsesAndLifecycleEventsDoesNotMatter) {
  // On Kafka, uses and lifecycle events travel on different topics: any interleaving that keeps
  // each topic's order must fold to the same state.
  std::string id = NewUuid();
  std::vector<Event> lifecycle = {MakeEvent(EventType::kCreated, id, 10),
                                  MakeEvent(EventType::kRevoked, id, 30)};
  std::vector<Event> uses = {MakeEvent(EventType::kUsed, id, 20),
                             MakeEvent(EventType::kUsed, id, 25),
                             MakeEvent(EventType::kUsed, id, 35)};
  std::optional<TokenState> reference;
  for (int mask = 0; mask < 32; ++mask) {  // every merge of the two sequences
    std::optional<TokenState> s;
    size_t l = 0, u = 0;
    for (int step = 0; step < 5; ++step) {
      bool take_use = l == lifecycle.size() || (u < uses.size() && (mask >> step) & 1);
      s = ApplyEvent(s, take_use ? uses[u++] : lifecycle[l++]);
    }
    ASSERT_TRUE(s && s->created);
    EXPECT_EQ(s->last_used_at, 35) << mask;
    if (!reference) reference = s;
    EXPECT_TRUE(*s == *reference) << mask;
  }
}

TEST(TokenStateTest, IgnoresOrphansForeignUsersAndDeniedUses) {
  std::string id = NewUuid();
  EXPECT_FALSE(ApplyEvent(std::nullopt, MakeEvent(EventType::kRevoked, id, 1)));
  Event denied_orphan = MakeEvent(EventType::kUsed, id, 1);
  denied_orphan.outcome = "denied";
  denied_orphan.reason = "revoked";
  EXPECT_FALSE(ApplyEvent(std::nullopt, denied_orphan));
  auto s = ApplyEvent(std::nullopt, MakeEvent(EventType::kCreated, id, 1));
  Event foreign = MakeEvent(EventType::kRevoked, id, 2);
  foreign.user_id = "mallory";
  EXPECT_FALSE(ApplyEvent(s, foreign)->revoked_at);
  Event denied = MakeEvent(EventType::kUsed, id, 2);
  denied.outcome = "denied";
  denied.reason = "insufficient_scope";
  EXPECT_FALSE(ApplyEvent(s, denied)->last_used_at);
}

TEST(TokenStateTest, ExpiryIsComputedAtQueryTime) {
  Event c = MakeEvent(EventType::kCreated, NewUuid(), 1000);
  c.expires_at = 5000;
  auto s = ApplyEvent(std::nullopt, c);
  EXPECT_EQ(StatusAt(*s, 4999), TokenStatus::kActive);
  EXPECT_EQ(StatusAt(*s, 5000), TokenStatus::kExpired);
}

TEST(TokenStateTest, EncodingRoundTripsAndRejectsDamage) {
  auto s = ApplyEvent(std::nullopt, MakeEvent(EventType::kCreated, NewUuid(), 1));
  s->expires_at = 99;
  s->revoked_at = 7;
  s->revoked_by = "alice";
  std::string bytes = EncodeTokenState(*s);
  auto d = DecodeTokenState(bytes);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(*d == *s);
  EXPECT_FALSE(DecodeTokenState(bytes.substr(0, bytes.size() - 1)).ok());
  EXPECT_FALSE(DecodeTokenState("").ok());
}

}  // namespace
}  // namespace wit
