#include "token/token_json.h"

namespace wit {
namespace {

using Type = FlatValue::Type;

Status Bad(std::string_view member, std::string_view what) {
  return Status::InvalidArgument("token object: " + std::string(member) + " " + std::string(what));
}

Status ReadString(const FlatObject& obj, std::string_view key, std::string* out) {
  const FlatValue* v = obj.Find(key);
  if (!v) return Bad(key, "is missing");
  if (v->type != Type::kString) return Bad(key, "is not a string");
  *out = v->string;
  return Status::OK();
}

// ReadOptString reads a string member that may be missing or null.
Status ReadOptString(const FlatObject& obj, std::string_view key, std::optional<std::string>* out) {
  const FlatValue* v = obj.Find(key);
  if (!v || v->type == Type::kNull) return Status::OK();
  if (v->type != Type::kString) return Bad(key, "is not a string");
  *out = v->string;
  return Status::OK();
}

// ReadOptStrings reads an array of strings that may be missing or null.
Status ReadOptStrings(const FlatObject& obj, std::string_view key,
                      std::optional<std::vector<std::string>>* out) {
  const FlatValue* v = obj.Find(key);
  if (!v || v->type == Type::kNull) return Status::OK();
  if (v->type != Type::kStringArray) return Bad(key, "is not strings");
  *out = v->strings;
  return Status::OK();
}

Status ReadOptTime(const FlatObject& obj, std::string_view key, std::optional<TimeMs>* out) {
  std::optional<std::string> text;
  if (Status s = ReadOptString(obj, key, &text); !s.ok()) return s;
  if (!text) return Status::OK();
  StatusOr<TimeMs> t = ParseRfc3339(*text);
  if (!t.ok()) return Bad(key, "is not an RFC 3339 time");
  *out = *t;
  return Status::OK();
}

}  // namespace

void WriteTokenObject(JsonWriter& w, const TokenObject& t, TokenFields fields) {
  bool audit = fields == TokenFields::kAudit;
  w.BeginObject().Key("id").String(t.id);
  if (fields != TokenFields::kApi) w.Key("userId").String(t.user_id.value_or(""));
  w.Key("name").String(t.name).Key("prefix").String(t.prefix);
  if (audit) w.Key("tokenHash").String(t.token_hash.value_or(""));
  w.Key("scopes").StringArray(t.scopes);
  auto list = [&](const char* key, const std::optional<std::vector<std::string>>& v) {
    w.Key(key);
    if (v) {
      w.StringArray(*v);
    } else {
      w.Null();
    }
  };
  list("allowedIps", t.allowed_ips);
  list("resources", t.resources);
  w.Key("createdAt").Time(t.created_at);
  w.Key("expiresAt").OptTime(t.expires_at);
  w.Key("lastUsedAt").OptTime(t.last_used_at);
  w.Key("lastUsedIps").StringArray(t.last_used_ips);
  w.Key("revokedAt").OptTime(t.revoked_at);
  if (audit) w.Key("revokedBy").OptString(t.revoked_by);
  w.Key("revokedReason").OptString(t.revoked_reason);
  w.Key("rotatedFrom").OptString(t.rotated_from);
  w.Key("status").String(t.status);
  if (t.token) w.Key("token").String(*t.token);
  w.EndObject();
}

StatusOr<TokenObject> ReadTokenObject(const FlatObject& obj) {
  TokenObject t;
  for (auto [key, field] : {std::pair{"id", &t.id}, std::pair{"name", &t.name},
                            std::pair{"prefix", &t.prefix}, std::pair{"status", &t.status}}) {
    if (Status s = ReadString(obj, key, field); !s.ok()) return s;
  }
  const FlatValue* scopes = obj.Find("scopes");
  if (!scopes || scopes->type != Type::kStringArray) return Bad("scopes", "is not strings");
  t.scopes = scopes->strings;
  std::optional<TimeMs> created;
  for (auto [key, field] :
       {std::pair{"createdAt", &created}, std::pair{"expiresAt", &t.expires_at},
        std::pair{"lastUsedAt", &t.last_used_at}, std::pair{"revokedAt", &t.revoked_at}}) {
    if (Status s = ReadOptTime(obj, key, field); !s.ok()) return s;
  }
  if (!created) return Bad("createdAt", "is missing");
  t.created_at = *created;
  for (auto [key, field] :
       {std::pair{"token", &t.token}, std::pair{"userId", &t.user_id},
        std::pair{"tokenHash", &t.token_hash}, std::pair{"revokedBy", &t.revoked_by},
        std::pair{"revokedReason", &t.revoked_reason}, std::pair{"rotatedFrom", &t.rotated_from}}) {
    if (Status s = ReadOptString(obj, key, field); !s.ok()) return s;
  }
  for (auto [key, field] :
       {std::pair{"allowedIps", &t.allowed_ips}, std::pair{"resources", &t.resources}}) {
    if (Status s = ReadOptStrings(obj, key, field); !s.ok()) return s;
  }
  std::optional<std::vector<std::string>> ips;
  if (Status s = ReadOptStrings(obj, "lastUsedIps", &ips); !s.ok()) return s;
  t.last_used_ips = ips.value_or(std::vector<std::string>{});
  return t;
}

StatusOr<TokenObject> ParseTokenObject(std::string_view json) {
  StatusOr<FlatObject> obj = ParseFlatObject(json);
  if (!obj.ok()) return obj.status();
  return ReadTokenObject(*obj);
}

}  // namespace wit
