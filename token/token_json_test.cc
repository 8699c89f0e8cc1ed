#include "token/token_json.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

TokenObject Sample() {
  TokenObject t;
  t.id = "0190f3c4-8b7e-7d1a-9c2b-3e4f5a6b7c8d";
  t.name = "laptop \"main\" \xe2\x82\xac";
  t.prefix = "AbC123xy";
  t.scopes = {"repo:read", "repo:write"};
  t.created_at = 1795817820123;
  t.expires_at = 1795817820123 + 30 * kMsPerDay;
  t.status = "active";
  return t;
}

std::string Write(const TokenObject& t, TokenFields fields) {
  JsonWriter w;
  WriteTokenObject(w, t, fields);
  return w.Take();
}

void ExpectSame(const TokenObject& a, const TokenObject& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.prefix, b.prefix);
  EXPECT_EQ(a.scopes, b.scopes);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.expires_at, b.expires_at);
  EXPECT_EQ(a.last_used_at, b.last_used_at);
  EXPECT_EQ(a.revoked_at, b.revoked_at);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.token, b.token);
  EXPECT_EQ(a.user_id, b.user_id);
  EXPECT_EQ(a.token_hash, b.token_hash);
  EXPECT_EQ(a.revoked_by, b.revoked_by);
  EXPECT_EQ(a.revoked_reason, b.revoked_reason);
  EXPECT_EQ(a.rotated_from, b.rotated_from);
  EXPECT_EQ(a.allowed_ips, b.allowed_ips);
  EXPECT_EQ(a.resources, b.resources);
  EXPECT_EQ(a.last_used_ips, b.last_used_ips);
}

TEST(TokenJsonTest, TheApiShapeIsTheContractsInItsOrder) {
  EXPECT_EQ(Write(Sample(), TokenFields::kApi),
            R"({"id":"0190f3c4-8b7e-7d1a-9c2b-3e4f5a6b7c8d","name":"laptop \"main\" )"
            "\xe2\x82\xac"
            R"(","prefix":"AbC123xy","scopes":["repo:read","repo:write"],)"
            R"("allowedIps":null,"resources":null,)"
            R"("createdAt":"2026-11-27T22:17:00.123Z","expiresAt":"2026-12-27T22:17:00.123Z",)"
            R"("lastUsedAt":null,"lastUsedIps":[],"revokedAt":null,"revokedReason":null,)"
            R"("rotatedFrom":null,"status":"active"})");
}

TEST(TokenJsonTest, TheAuditShapeAddsItsFieldsInWitAuditsOrder) {
  TokenObject t = Sample();
  t.user_id = "alice";
  t.token_hash = std::string(64, 'a');
  EXPECT_EQ(
      Write(t, TokenFields::kAudit),
      R"({"id":"0190f3c4-8b7e-7d1a-9c2b-3e4f5a6b7c8d","userId":"alice","name":"laptop \"main\" )"
      "\xe2\x82\xac"
      R"(","prefix":"AbC123xy","tokenHash":")" +
          std::string(64, 'a') +
          R"(","scopes":["repo:read","repo:write"],"allowedIps":null,"resources":null,)"
          R"("createdAt":"2026-11-27T22:17:00.123Z","expiresAt":"2026-12-27T22:17:00.123Z",)"
          R"("lastUsedAt":null,"lastUsedIps":[],"revokedAt":null,"revokedBy":null,)"
          R"("revokedReason":null,"rotatedFrom":null,"status":"active"})");
}

TEST(TokenJsonTest, EncoderAndDecoderAreEachOthersInverse) {
  TokenObject created = Sample();
  created.token = "wit_AbC123xy_secret";
  TokenObject revoked = Sample();
  revoked.expires_at.reset();
  revoked.last_used_at = 1795817830000;
  revoked.revoked_at = 1795817840000;
  revoked.status = "revoked";
  revoked.revoked_reason = "rotated";
  revoked.rotated_from = "0190f3c4-8b7e-7d1a-9c2b-000000000000";
  revoked.allowed_ips = std::vector<std::string>{"10.0.0.0/8", "2001:db8::/32"};
  revoked.resources = std::vector<std::string>{"acme/*"};
  revoked.last_used_ips = {"10.0.0.7", "10.0.0.1"};
  revoked.user_id = "alice";
  revoked.token_hash = std::string(64, 'a');
  revoked.revoked_by = "alice";
  TokenObject audit_active = Sample();
  audit_active.user_id = "bob";
  audit_active.token_hash = std::string(64, 'b');
  for (const auto& [t, fields] :
       {std::pair{created, TokenFields::kApi}, std::pair{Sample(), TokenFields::kApi},
        std::pair{revoked, TokenFields::kAudit}, std::pair{audit_active, TokenFields::kAudit}}) {
    std::string json = Write(t, fields);
    StatusOr<TokenObject> back = ParseTokenObject(json);
    ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << json;
    ExpectSame(*back, t);
    EXPECT_EQ(Write(*back, fields), json);
  }
  EXPECT_NE(Write(audit_active, TokenFields::kAudit).find(R"("revokedBy":null)"),
            std::string::npos);
}

TEST(TokenJsonTest, TheDecoderNamesWhatIsWrong) {
  std::string good = Write(Sample(), TokenFields::kApi);
  auto without = [&](const std::string& member, const std::string& replacement) {
    std::string json = good;
    size_t at = json.find("\"" + member + "\":");
    size_t end = json.find_first_of(",}", json.find(':', at));
    if (json[at + member.size() + 3] == '[') end = json.find(']', at) + 1;
    return json.replace(at, end - at, replacement);
  };
  struct Case {
    std::string json, member;
  } cases[] = {
      {without("id", R"("id":7)"), "id"},
      {without("createdAt", R"("createdAt":null)"), "createdAt"},
      {without("createdAt", R"("createdAt":"yesterday")"), "createdAt"},
      {without("scopes", R"("scopes":[1])"), "scopes"},
      {without("expiresAt", R"("expiresAt":5)"), "expiresAt"},
      {without("status", R"("x":1)"), "status"},
  };
  for (const Case& c : cases) {
    StatusOr<TokenObject> t = ParseTokenObject(c.json);
    ASSERT_FALSE(t.ok()) << c.json;
    EXPECT_NE(t.status().message().find(c.member), std::string::npos)
        << t.status().message() << " for " << c.json;
  }
  EXPECT_FALSE(ParseTokenObject("[]").ok());
  EXPECT_FALSE(ParseTokenObject("not json").ok());
}

}  // namespace
}  // namespace wit
