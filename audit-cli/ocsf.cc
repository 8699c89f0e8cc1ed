#include "audit-cli/ocsf.h"

#include "base/json_writer.h"

namespace wit {
namespace {

constexpr int kAuthenticationClass = 3002;
constexpr int kApiActivityClass = 6003;
constexpr int kLogon = 1;
constexpr int kCreate = 1;
constexpr int kDelete = 4;
constexpr int kSuccess = 1;
constexpr int kFailure = 2;
constexpr int kInformational = 1;
constexpr int kLow = 2;

void Metadata(JsonWriter& w, const Event& e) {
  w.Key("metadata").BeginObject();
  w.Key("version").String(kOcsfVersion);
  w.Key("uid").String(e.event_id);
  w.Key("original_time").String(FormatRfc3339(e.occurred_at));
  w.Key("event_code").String(EventTypeName(e.type));
  w.Key("product").BeginObject();
  w.Key("name").String("wit token ledger").Key("vendor_name").String("wit");
  w.EndObject().EndObject();
}

// Base writes the attributes every OCSF event has.
void Base(JsonWriter& w, const Event& e, int class_uid, const char* class_name, int activity_id,
          const char* activity_name, int severity_id) {
  w.Key("class_uid").Int(class_uid).Key("class_name").String(class_name);
  w.Key("category_uid").Int(class_uid / 1000);
  w.Key("category_name")
      .String(class_uid / 1000 == 3 ? "Identity & Access Management" : "Application Activity");
  w.Key("activity_id").Int(activity_id).Key("activity_name").String(activity_name);
  w.Key("type_uid").Int(class_uid * 100 + activity_id);
  w.Key("severity_id")
      .Int(severity_id)
      .Key("severity")
      .String(severity_id == kLow ? "Low" : "Informational");
  w.Key("time").Int(e.occurred_at);
  Metadata(w, e);
}

void TokenResource(JsonWriter& w, const Event& e) {
  w.Key("resources").BeginArray().BeginObject();
  w.Key("uid").String(e.token_id).Key("type").String("personal_access_token");
  if (!e.name.empty()) w.Key("name").String(e.name);
  w.Key("owner").BeginObject().Key("uid").String(e.user_id).EndObject();
  w.EndObject().EndArray();
}

std::string Used(const Event& e) {
  bool allowed = e.outcome == "allowed";
  JsonWriter w;
  w.BeginObject();
  Base(w, e, kAuthenticationClass, "Authentication", kLogon, "Logon",
       allowed ? kInformational : kLow);
  w.Key("status_id")
      .Int(allowed ? kSuccess : kFailure)
      .Key("status")
      .String(allowed ? "Success" : "Failure");
  if (e.reason) w.Key("status_detail").String(*e.reason);
  w.Key("auth_protocol_id").Int(99).Key("auth_protocol").String("wit personal access token");
  w.Key("user")
      .BeginObject()
      .Key("uid")
      .String(e.user_id)
      .Key("credential_uid")
      .String(e.token_id)
      .EndObject();
  w.Key("src_endpoint").BeginObject();
  if (e.ip) w.Key("ip").String(*e.ip);
  w.EndObject();
  w.Key("service").BeginObject().Key("name").String(e.service.value_or("")).EndObject();
  if (e.user_agent)
    w.Key("http_request").BeginObject().Key("user_agent").String(*e.user_agent).EndObject();
  if (e.action || e.resource || e.scope) {
    w.Key("unmapped").BeginObject();
    if (e.scope) w.Key("scope").String(*e.scope);
    if (e.action) w.Key("action").String(*e.action);
    if (e.resource) w.Key("resource").String(*e.resource);
    w.EndObject();
  }
  w.EndObject();
  return w.Take();
}

std::string Lifecycle(const Event& e) {
  bool created = e.type == EventType::kCreated;
  JsonWriter w;
  w.BeginObject();
  Base(w, e, kApiActivityClass, "API Activity", created ? kCreate : kDelete,
       created ? "Create" : "Delete", kInformational);
  w.Key("status_id").Int(kSuccess).Key("status").String("Success");
  w.Key("actor").BeginObject().Key("user").BeginObject();
  w.Key("uid").String(created ? e.user_id : e.revoked_by);
  w.EndObject().EndObject();
  w.Key("api").BeginObject().Key("operation").String(created ? "CreateToken" : "RevokeToken");
  w.Key("service").BeginObject().Key("name").String("wit token ledger").EndObject().EndObject();
  w.Key("src_endpoint").BeginObject().EndObject();
  TokenResource(w, e);
  w.Key("unmapped").BeginObject();
  if (created) {
    w.Key("prefix").String(e.prefix).Key("token_hash").String(e.token_hash);
    w.Key("scopes").StringArray(e.scopes);
    w.Key("expires_at").OptTime(e.expires_at);
  } else if (e.reason) {
    w.Key("reason").String(*e.reason);
  }
  w.EndObject();
  w.EndObject();
  return w.Take();
}

}  // namespace

std::string ToOcsf(const Event& event) {
  return event.type == EventType::kUsed ? Used(event) : Lifecycle(event);
}

}  // namespace wit
