#include "audit-cli/ocsf.h"

#include <gtest/gtest.h>

#include "base/flat_json.h"

namespace wit {
namespace {

Event Base(EventType type) {
  Event e;
  e.type = type;
  e.event_id = "1b6a2a4e-1c0e-4f55-9f7b-6f1d2d3e4f50";
  e.occurred_at = 1'795'833'508'043;
  e.token_id = "6a1db225-0e17-46cd-bda2-1f075bc82acb";
  e.user_id = "alice";
  return e;
}

// Top parses an OCSF event; its top-level members are checked, nested objects by Find.
FlatObject Top(const std::string& json) {
  StatusOr<FlatObject> o = ParseFlatObject(json);
  EXPECT_TRUE(o.ok()) << json;
  return o.ok() ? *o : FlatObject();
}

int64_t Int(const FlatObject& o, const char* key) {
  const FlatValue* v = o.Find(key);
  EXPECT_TRUE(v && v->is_integer) << key;
  return v && v->is_integer ? v->integer : -1;
}

void ExpectBase(const FlatObject& o, int class_uid, int activity_id) {
  EXPECT_EQ(Int(o, "class_uid"), class_uid);
  EXPECT_EQ(Int(o, "category_uid"), class_uid / 1000);
  EXPECT_EQ(Int(o, "activity_id"), activity_id);
  EXPECT_EQ(Int(o, "type_uid"), class_uid * 100 + activity_id);
  EXPECT_EQ(Int(o, "time"), 1'795'833'508'043);
  EXPECT_GE(Int(o, "severity_id"), 1);
  ASSERT_NE(o.Find("metadata"), nullptr);
}

TEST(OcsfTest, AUseIsAnAuthentication) {
  Event e = Base(EventType::kUsed);
  e.outcome = "denied";
  e.reason = "revoked";
  e.ip = "10.0.0.1";
  std::string json = ToOcsf(e);
  FlatObject o = Top(json);
  ExpectBase(o, 3002, 1);
  EXPECT_EQ(Int(o, "status_id"), 2);
  EXPECT_EQ(o.Find("status_detail")->string, "revoked");
  ASSERT_NE(o.Find("user"), nullptr);
  EXPECT_NE(json.find("\"src_endpoint\":{\"ip\":\"10.0.0.1\"}"), std::string::npos);
  EXPECT_NE(json.find("\"version\":\"1.1.0\""), std::string::npos);
  EXPECT_NE(json.find("\"uid\":\"1b6a2a4e-1c0e-4f55-9f7b-6f1d2d3e4f50\""), std::string::npos);
}

TEST(OcsfTest, CreateAndRevokeAreApiActivity) {
  Event c = Base(EventType::kCreated);
  c.name = "ci";
  c.prefix = "s61eEHDt";
  c.token_hash = std::string(64, 'a');
  c.scopes = {"repo:read"};
  FlatObject created = Top(ToOcsf(c));
  ExpectBase(created, 6003, 1);
  for (const char* required : {"actor", "api", "src_endpoint", "resources"}) {
    EXPECT_NE(created.Find(required), nullptr) << required;
  }
  Event r = Base(EventType::kRevoked);
  r.revoked_by = "admin";
  std::string revoked = ToOcsf(r);
  ExpectBase(Top(revoked), 6003, 4);
  EXPECT_NE(revoked.find("\"actor\":{\"user\":{\"uid\":\"admin\"}}"), std::string::npos);
}

}  // namespace
}  // namespace wit
