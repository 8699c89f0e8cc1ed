#include "audit-cli/event_filter.h"

#include <gtest/gtest.h>

#include "ledger/event_codec.h"

namespace wit {
namespace {

const char* kId = "6a1db225-0e17-46cd-bda2-1f075bc82acb";
const char* kOther = "393949ef-6dcd-439f-a769-6c5f182afe9d";
const char* kHash = "5eca2d2afa8054b50f6b066f4833616670df6b2fb5e9c65475d999309929b553";

Event Created(const std::string& id, const std::string& hash, const std::string& prefix) {
  Event e;
  e.type = EventType::kCreated;
  e.event_id = "0b6a2a4e-1c0e-4f55-9f7b-6f1d2d3e4f50";
  e.occurred_at = 1000;
  e.token_id = id;
  e.user_id = "alice";
  e.name = "ci";
  e.prefix = prefix;
  e.token_hash = hash;
  e.scopes = {"repo:read"};
  return e;
}

Event Used(const std::string& id, const std::string& outcome, TimeMs at) {
  Event e;
  e.type = EventType::kUsed;
  e.event_id = "1b6a2a4e-1c0e-4f55-9f7b-6f1d2d3e4f50";
  e.occurred_at = at;
  e.token_id = id;
  e.user_id = "alice";
  e.outcome = outcome;
  if (outcome == "denied") e.reason = "revoked";
  e.service = "git";
  e.ip = "10.0.0.1";
  return e;
}

// Selected runs an event through the filter as a scan does: MayMatch on its stored form, then
// Matches. MayMatch must never refuse what Matches accepts.
bool Selected(EventFilter& f, const Event& e) {
  std::string payload = EncodeEvent(e);
  bool matches = f.Matches(e);
  if (matches) {
    EXPECT_TRUE(f.MayMatch(payload)) << payload;
  }
  return matches && f.MayMatch(payload);
}

TEST(EventFilterTest, EveryCriterionMustHold) {
  EventFilter f;
  f.user = "alice";
  f.types = {EventType::kUsed};
  f.outcome = "denied";
  f.since = 2000;
  f.until = 3000;
  f.service = "git";
  f.ip = "10.0.0.1";
  EXPECT_TRUE(Selected(f, Used(kId, "denied", 2000)));
  EXPECT_TRUE(Selected(f, Used(kId, "denied", 3000)));  // both bounds are inclusive
  EXPECT_FALSE(Selected(f, Used(kId, "denied", 1999)));
  EXPECT_FALSE(Selected(f, Used(kId, "denied", 3001)));
  EXPECT_FALSE(Selected(f, Used(kId, "allowed", 2500)));
  Event bob = Used(kId, "denied", 2500);
  bob.user_id = "bob";
  EXPECT_FALSE(Selected(f, bob));
  Event other_ip = Used(kId, "denied", 2500);
  other_ip.ip = "10.0.0.2";
  EXPECT_FALSE(Selected(f, other_ip));
  EXPECT_FALSE(Selected(f, Created(kId, kHash, "s61eEHDt")));
}

TEST(EventFilterTest, TokenIdsAreAlternatives) {
  EventFilter f;
  f.token_ids = {kId, kOther};
  EXPECT_TRUE(Selected(f, Used(kId, "allowed", 1)));
  EXPECT_TRUE(Selected(f, Used(kOther, "allowed", 1)));
  EXPECT_FALSE(Selected(f, Used("11111111-2222-3333-4444-555555555555", "allowed", 1)));
  EXPECT_FALSE(f.MayMatch(EncodeEvent(Used("11111111-2222-3333-4444-555555555555", "allowed", 1))));
}

TEST(EventFilterTest, HashNamesATokenThroughItsCreation) {
  EventFilter f;
  f.token_hash = kHash;
  f.types = {EventType::kUsed};
  // Before the creation is seen, the token's uses cannot be recognised.
  EXPECT_FALSE(f.Matches(Used(kId, "allowed", 1)));
  // The creation is not shown (--type used) but teaches the filter the id.
  EXPECT_TRUE(f.MayMatch(EncodeEvent(Created(kId, kHash, "s61eEHDt"))));
  EXPECT_FALSE(f.Matches(Created(kId, kHash, "s61eEHDt")));
  EXPECT_TRUE(Selected(f, Used(kId, "allowed", 2)));
  EXPECT_FALSE(Selected(f, Used(kOther, "allowed", 2)));
}

TEST(EventFilterTest, PrefixNamesATokenThroughItsCreation) {
  EventFilter f;
  f.prefix = "s61eEHDt";
  f.Learn(Created(kOther, kHash, "zzzzzzzz"));
  f.Learn(Created(kId, kHash, "s61eEHDt"));
  EXPECT_TRUE(Selected(f, Used(kId, "denied", 5)));
  EXPECT_FALSE(Selected(f, Used(kOther, "denied", 5)));
}

TEST(EventFilterTest, RecordsWithEscapesAreAlwaysDecoded) {
  EventFilter f;
  f.user = "alice";
  // "alice" spelled with a \u escape: a byte search cannot see it, so MayMatch must say yes.
  std::string payload = EncodeEvent(Used(kId, "allowed", 1));
  size_t at = payload.find("\"alice\"");
  payload.replace(at, 7, "\"\\u0061lice\"");
  EXPECT_TRUE(f.MayMatch(payload));
  StatusOr<Event> e = DecodeEvent(payload);
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(f.Matches(*e));
}

TEST(EventFilterTest, MatchesTokenChecksTokenAndUserCriteria) {
  EventFilter f;
  f.user = "alice";
  f.prefix = "s61eEHDt";
  EXPECT_TRUE(f.MatchesToken(kId, "alice", "s61eEHDt", kHash));
  EXPECT_FALSE(f.MatchesToken(kId, "bob", "s61eEHDt", kHash));
  EXPECT_FALSE(f.MatchesToken(kId, "alice", "zzzzzzzz", kHash));
}

TEST(ParseEventTypesTest, ReadsShortAndLongNames) {
  EXPECT_EQ(*ParseEventTypes("created,used"),
            (std::set<EventType>{EventType::kCreated, EventType::kUsed}));
  EXPECT_EQ(*ParseEventTypes("token.revoked"), std::set<EventType>{EventType::kRevoked});
  EXPECT_FALSE(ParseEventTypes("created,").ok());
  EXPECT_FALSE(ParseEventTypes("deleted").ok());
  EXPECT_FALSE(ParseEventTypes("").ok());
}

}  // namespace
}  // namespace wit
