#include "ledger/event_codec.h"

#include <algorithm>

#include "base/flat_json.h"
#include "base/hex.h"
#include "base/ip_cidr.h"
#include "base/json_writer.h"
#include "base/random.h"
#include "token/resource_limits.h"
#include "token/scopes.h"

namespace wit {
namespace {

using Type = FlatValue::Type;

// FieldReader pulls typed fields out of a parsed object and remembers the first problem. Each
// field is read once: its string is moved out of the object.
class FieldReader {
 public:
  explicit FieldReader(FlatObject& obj) : obj_(obj) {}

  std::string Required(const char* key) {
    FlatValue* v = obj_.Find(key);
    if (!v || v->type == Type::kNull) {
      Fail(std::string("missing field \"") + key + "\"");
      return {};
    }
    return StringOf(key, *v);
  }

  std::optional<std::string> Optional(const char* key) {
    FlatValue* v = obj_.Find(key);
    if (!v || v->type == Type::kNull) return std::nullopt;
    return StringOf(key, *v);
  }

  std::optional<TimeMs> OptionalTime(const char* key) {
    auto s = Optional(key);
    if (!s) return std::nullopt;
    auto t = ParseRfc3339(*s);
    if (!t.ok()) {
      Fail(std::string("field \"") + key + "\" is not an RFC 3339 time");
      return std::nullopt;
    }
    return *t;
  }

  void Fail(std::string message) {
    if (status_.ok()) status_ = Status::InvalidArgument(std::move(message));
  }
  const Status& status() const { return status_; }

 private:
  std::string StringOf(const char* key, FlatValue& v) {
    if (v.type != Type::kString) {
      Fail(std::string("field \"") + key + "\" must be a string");
      return {};
    }
    return std::move(v.string);
  }

  FlatObject& obj_;
  Status status_;
};

// OptionalList reads a member that is absent or a non-empty array of strings each `valid`.
template <typename Valid>
std::optional<std::vector<std::string>> OptionalList(FlatObject& obj, FieldReader& r,
                                                     const char* key, Valid valid) {
  FlatValue* v = obj.Find(key);
  if (!v || v->type == Type::kNull) return std::nullopt;
  if (v->type != Type::kStringArray || v->strings.empty() ||
      !std::all_of(v->strings.begin(), v->strings.end(), valid)) {
    r.Fail(std::string("field \"") + key + "\" must be a non-empty array of valid entries");
    return std::nullopt;
  }
  return std::move(v->strings);
}

void DecodeCreated(FlatObject& obj, FieldReader& r, Event* e) {
  e->name = r.Required("name");
  e->prefix = r.Required("prefix");
  e->token_hash = r.Required("tokenHash");
  if (!obj.Find("expiresAt")) r.Fail("missing field \"expiresAt\"");
  e->expires_at = r.OptionalTime("expiresAt");
  FlatValue* scopes = obj.Find("scopes");
  if (!scopes || scopes->type != Type::kStringArray) {
    r.Fail("field \"scopes\" must be an array of scopes");
    return;
  }
  for (const std::string& s : scopes->strings) {
    if (!IsKnownScope(s)) {
      r.Fail("field \"scopes\" holds an unknown scope");
      return;
    }
  }
  e->scopes = std::move(scopes->strings);
  e->rotated_from = r.Optional("rotatedFrom");
  e->family_id = r.Optional("familyId");
  if (e->rotated_from.has_value() != e->family_id.has_value() ||
      (e->rotated_from && (!IsUuid(*e->rotated_from) || !IsUuid(*e->family_id)))) {
    r.Fail("fields \"rotatedFrom\" and \"familyId\" are token ids, given together");
  }
  e->allowed_ips =
      OptionalList(obj, r, "allowedIps", [](const std::string& s) { return ParseIpCidr(s).ok(); });
  e->resources =
      OptionalList(obj, r, "resources", [](const std::string& s) { return IsResourcePattern(s); });
  if (e->name.empty() || e->prefix.size() != 8) r.Fail("bad name or prefix");
  if (!IsSha256Hex(e->token_hash)) r.Fail("field \"tokenHash\" is not a hex SHA-256");
}

void DecodeUsed(FieldReader& r, Event* e) {
  e->outcome = r.Required("outcome");
  if (e->outcome != "allowed" && e->outcome != "denied") {
    r.Fail("field \"outcome\" must be \"allowed\" or \"denied\"");
  }
  e->scope = r.Optional("scope");
  e->service = r.Optional("service");
  e->ip = r.Optional("ip");
  e->user_agent = r.Optional("userAgent");
  e->action = r.Optional("action");
  e->resource = r.Optional("resource");
}

}  // namespace

const char* EventTypeName(EventType type) {
  switch (type) {
    case EventType::kCreated: return "token.created";
    case EventType::kRevoked: return "token.revoked";
    case EventType::kUsed: return "token.used";
  }
  return "unknown";
}

const char* EventTypeShortName(EventType type) {
  switch (type) {
    case EventType::kCreated: return "created";
    case EventType::kRevoked: return "revoked";
    case EventType::kUsed: return "used";
  }
  return "unknown";
}

std::string EncodeEvent(const Event& e) {
  JsonWriter w;
  w.BeginObject()
      .Key("schemaVersion")
      .Int(Event::kSchemaVersion)
      .Key("type")
      .String(EventTypeName(e.type))
      .Key("eventId")
      .String(e.event_id)
      .Key("occurredAt")
      .String(FormatRfc3339(e.occurred_at))
      .Key("tokenId")
      .String(e.token_id)
      .Key("userId")
      .String(e.user_id);
  switch (e.type) {
    case EventType::kCreated:
      w.Key("name").String(e.name).Key("prefix").String(e.prefix);
      w.Key("tokenHash").String(e.token_hash).Key("scopes").StringArray(e.scopes);
      w.Key("expiresAt").OptTime(e.expires_at);
      if (e.rotated_from) w.Key("rotatedFrom").String(*e.rotated_from);
      if (e.family_id) w.Key("familyId").String(*e.family_id);
      if (e.allowed_ips) w.Key("allowedIps").StringArray(*e.allowed_ips);
      if (e.resources) w.Key("resources").StringArray(*e.resources);
      break;
    case EventType::kRevoked:
      w.Key("revokedBy").String(e.revoked_by);
      if (e.reason) w.Key("reason").String(*e.reason);
      if (e.report_url) w.Key("reportUrl").String(*e.report_url);
      if (e.report_source) w.Key("reportSource").String(*e.report_source);
      break;
    case EventType::kUsed:
      w.Key("outcome").String(e.outcome);
      if (e.reason) w.Key("reason").String(*e.reason);
      if (e.scope) w.Key("scope").String(*e.scope);
      if (e.service) w.Key("service").String(*e.service);
      if (e.ip) w.Key("ip").String(*e.ip);
      if (e.user_agent) w.Key("userAgent").String(*e.user_agent);
      if (e.action) w.Key("action").String(*e.action);
      if (e.resource) w.Key("resource").String(*e.resource);
      break;
  }
  w.EndObject();
  return w.Take();
}

StatusOr<Event> DecodeEvent(std::string_view json) {
  StatusOr<FlatObject> parsed = ParseFlatObject(json);
  // The parser's message names a byte position, never the record's content.
  if (!parsed.ok()) return Status::InvalidArgument("event is not a valid JSON object");
  FlatObject& obj = *parsed;

  const FlatValue* version = obj.Find("schemaVersion");
  if (!version || !version->is_integer || version->integer != Event::kSchemaVersion) {
    return Status::InvalidArgument("field \"schemaVersion\" must be 1");
  }
  Event e;
  FieldReader r(obj);
  std::string type = r.Required("type");
  if (type == "token.created") {
    e.type = EventType::kCreated;
  } else if (type == "token.revoked") {
    e.type = EventType::kRevoked;
  } else if (type == "token.used") {
    e.type = EventType::kUsed;
  } else if (r.status().ok()) {
    // The type comes from whoever wrote the record: name it only when it is short and plain,
    // so that a message on a terminal or in a log cannot carry control characters.
    bool plain = type.size() <= 40 && std::all_of(type.begin(), type.end(), [](char c) {
                   return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
                 });
    return Status::InvalidArgument(plain ? "unknown event type \"" + type + "\""
                                         : std::string("unknown event type"));
  }
  e.event_id = r.Required("eventId");
  e.token_id = r.Required("tokenId");
  e.user_id = r.Required("userId");
  auto occurred = r.OptionalTime("occurredAt");
  if (!occurred) r.Fail("missing field \"occurredAt\"");
  e.occurred_at = occurred.value_or(0);
  e.reason = r.Optional("reason");
  if (e.type == EventType::kCreated) DecodeCreated(obj, r, &e);
  if (e.type == EventType::kRevoked) {
    e.revoked_by = r.Required("revokedBy");
    e.report_url = r.Optional("reportUrl");
    e.report_source = r.Optional("reportSource");
  }
  if (e.type == EventType::kUsed) DecodeUsed(r, &e);
  if (!r.status().ok()) return r.status();
  if (!IsUuid(e.event_id) || !IsUuid(e.token_id)) {
    return Status::InvalidArgument("eventId and tokenId must be UUIDs");
  }
  if (e.user_id.empty()) return Status::InvalidArgument("field \"userId\" is empty");
  if (e.type == EventType::kUsed && e.outcome == "denied" && !e.reason) {
    return Status::InvalidArgument("a denied use needs a \"reason\"");
  }
  return e;
}

}  // namespace wit
