#include "ledger/event_codec.h"

#include <gtest/gtest.h>

#include "base/random.h"
#include "token/token.h"

namespace wit {
namespace {

Event Created() {
  Event e;
  e.type = EventType::kCreated;
  e.event_id = NewUuid();
  e.occurred_at = 1795817820000;
  e.token_id = NewUuid();
  e.user_id = "alice";
  e.name = "ci \"token\"\n";
  e.prefix = "AbCdEfGh";
  e.token_hash = HashToken("x");
  e.scopes = {"repo:read", "repo:write"};
  e.expires_at = 1795817820000 + 30 * kMsPerDay;
  return e;
}

TEST(EventCodecTest, TypeNamesLongAndShort) {
  EXPECT_STREQ(EventTypeName(EventType::kCreated), "token.created");
  EXPECT_STREQ(EventTypeShortName(EventType::kCreated), "created");
  EXPECT_STREQ(EventTypeShortName(EventType::kRevoked), "revoked");
  EXPECT_STREQ(EventTypeShortName(EventType::kUsed), "used");
}

TEST(EventCodecTest, CreatedRoundTrips) {
  Event e = Created();
  std::string json = EncodeEvent(e);
  EXPECT_NE(json.find("\"type\":\"token.created\""), std::string::npos);
  EXPECT_NE(json.find("\"expiresAt\":\"2026-12-27T22:17:00.000Z\""), std::string::npos);
  auto d = DecodeEvent(json);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->name, e.name);
  EXPECT_EQ(d->scopes, e.scopes);
  EXPECT_EQ(d->expires_at, e.expires_at);
  EXPECT_EQ(d->token_hash, e.token_hash);
  EXPECT_EQ(EncodeEvent(*d), json);
}

TEST(EventCodecTest, RotationAndLimitsRoundTripAndAreChecked) {
  Event e = Created();
  e.rotated_from = NewUuid();
  e.family_id = NewUuid();
  e.allowed_ips = std::vector<std::string>{"10.0.0.0/8", "2001:db8::/32"};
  e.resources = std::vector<std::string>{"acme/*"};
  std::string json = EncodeEvent(e);
  auto d = DecodeEvent(json);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->rotated_from, e.rotated_from);
  EXPECT_EQ(d->family_id, e.family_id);
  EXPECT_EQ(d->allowed_ips, e.allowed_ips);
  EXPECT_EQ(d->resources, e.resources);
  EXPECT_EQ(EncodeEvent(*d), json);
  // Absent in a token nothing rotated or limited, and then not written at all.
  std::string plain = EncodeEvent(Created());
  for (const char* key : {"rotatedFrom", "familyId", "allowedIps", "resources"}) {
    EXPECT_EQ(plain.find(key), std::string::npos) << key;
  }
  auto bad = [&](const Event& b) { return DecodeEvent(EncodeEvent(b)).ok(); };
  Event half = e;
  half.family_id.reset();
  EXPECT_FALSE(bad(half)) << "rotatedFrom without familyId";
  Event not_id = e;
  not_id.rotated_from = "x";
  EXPECT_FALSE(bad(not_id));
  Event bad_ip = e;
  bad_ip.allowed_ips = std::vector<std::string>{"10.0.0.1/8"};
  EXPECT_FALSE(bad(bad_ip));
  Event empty = e;
  empty.allowed_ips = std::vector<std::string>{};
  EXPECT_FALSE(bad(empty));
  Event bad_resource = e;
  bad_resource.resources = std::vector<std::string>{"/abs"};
  EXPECT_FALSE(bad(bad_resource));
}

TEST(EventCodecTest, NeverExpiringIsNull) {
  Event e = Created();
  e.expires_at.reset();
  std::string json = EncodeEvent(e);
  EXPECT_NE(json.find("\"expiresAt\":null"), std::string::npos);
  auto d = DecodeEvent(json);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->expires_at.has_value());
}

TEST(EventCodecTest, RevokedAndUsedRoundTrip) {
  Event r = Created();
  r.type = EventType::kRevoked;
  r.revoked_by = "alice";
  auto dr = DecodeEvent(EncodeEvent(r));
  ASSERT_TRUE(dr.ok()) << dr.status().ToString();
  EXPECT_EQ(dr->revoked_by, "alice");
  EXPECT_EQ(EncodeEvent(r).find("tokenHash"), std::string::npos);
  EXPECT_FALSE(dr->report_url);
  r.reason = "leaked";
  r.report_url = "https://github.com/acme/widgets/blob/abc/.env";
  r.report_source = "content";
  auto leak = DecodeEvent(EncodeEvent(r));
  ASSERT_TRUE(leak.ok()) << leak.status().ToString();
  EXPECT_EQ(leak->report_url, r.report_url);
  EXPECT_EQ(leak->report_source, "content");

  Event u = Created();
  u.type = EventType::kUsed;
  u.outcome = "denied";
  u.reason = "insufficient_scope";
  u.scope = "repo:admin";
  u.service = "git";
  u.ip = "10.0.0.1";
  auto du = DecodeEvent(EncodeEvent(u));
  ASSERT_TRUE(du.ok()) << du.status().ToString();
  EXPECT_EQ(du->outcome, "denied");
  EXPECT_EQ(du->reason, "insufficient_scope");
  EXPECT_EQ(du->service, "git");
  EXPECT_FALSE(du->user_agent.has_value());
}

TEST(EventCodecTest, RejectsBadRecords) {
  std::string good = EncodeEvent(Created());
  const char* bad[] = {
      "",
      "not json",
      "[1,2]",
      "{\"schemaVersion\":1}",
      "{\"schemaVersion\":2,\"type\":\"token.created\"}",
      "{\"schemaVersion\":1,\"type\":\"token.exploded\",\"eventId\":\"x\"}",
  };
  for (const char* b : bad) EXPECT_FALSE(DecodeEvent(b).ok()) << b;
  EXPECT_FALSE(DecodeEvent(good.substr(0, good.size() / 2)).ok());

  Event e = Created();
  e.scopes = {"repo:everything"};
  EXPECT_FALSE(DecodeEvent(EncodeEvent(e)).ok());
  e = Created();
  e.token_id = "not-a-uuid";
  EXPECT_FALSE(DecodeEvent(EncodeEvent(e)).ok());
  Event u = Created();
  u.type = EventType::kUsed;
  u.outcome = "maybe";
  EXPECT_FALSE(DecodeEvent(EncodeEvent(u)).ok());
  u.outcome = "denied";  // denied without a reason
  EXPECT_FALSE(DecodeEvent(EncodeEvent(u)).ok());
}

TEST(EventCodecTest, WrongTypesAreRejectedNotThrown) {
  std::string json = EncodeEvent(Created());
  std::string wrong = json;
  wrong.replace(wrong.find("\"userId\":\"alice\""), 16, "\"userId\":42");
  EXPECT_FALSE(DecodeEvent(wrong).ok());
  wrong = json;
  wrong.replace(wrong.find("\"schemaVersion\":1"), 17, "\"schemaVersion\":\"1\"");
  EXPECT_FALSE(DecodeEvent(wrong).ok());
}

}  // namespace
}  // namespace wit
