#include "api/request_parsing.h"

#include <cmath>

#include "base/flat_json.h"
#include "token/token.h"

namespace wit {
namespace {

using Type = FlatValue::Type;

StatusOr<FlatObject> ParseObject(const std::string& body) {
  if (body.empty()) return Status::InvalidArgument("request body must be a JSON object");
  StatusOr<FlatObject> obj = ParseFlatObject(body);
  if (!obj.ok()) {
    return Status::InvalidArgument("request body must be a JSON object: " + obj.status().message());
  }
  return obj;
}

// OptionalString reads `key` if present and not null; a non-string is InvalidArgument.
Status OptionalString(const FlatObject& obj, const char* key, std::optional<std::string>* out) {
  const FlatValue* v = obj.Find(key);
  if (!v || v->type == Type::kNull) return Status::OK();
  if (v->type != Type::kString)
    return Status::InvalidArgument(std::string(key) + " must be a string");
  *out = v->string;
  return Status::OK();
}

}  // namespace

StatusOr<CreateRequest> ParseCreateRequest(const std::string& body) {
  StatusOr<FlatObject> obj = ParseObject(body);
  if (!obj.ok()) return obj.status();
  CreateRequest req;
  std::optional<std::string> name;
  if (Status s = OptionalString(*obj, "name", &name); !s.ok()) return s;
  if (!name) return Status::InvalidArgument("name is required");
  req.name = *name;

  if (const FlatValue* scopes = obj->Find("scopes"); scopes && scopes->type != Type::kNull) {
    if (scopes->type != Type::kStringArray) {
      return Status::InvalidArgument("scopes must be an array of strings");
    }
    req.scopes = scopes->strings;
  }

  if (const FlatValue* days = obj->Find("expiresInDays"); days && days->type != Type::kNull) {
    if (days->type != Type::kNumber) {
      return Status::InvalidArgument("expiresInDays must be a whole number of days");
    }
    if (days->is_integer) {
      req.expires_in_days = days->integer;
    } else if (std::isfinite(days->number) && days->number == std::floor(days->number) &&
               std::fabs(days->number) <= 1e6) {
      req.expires_in_days = static_cast<int64_t>(days->number);
    } else {
      return Status::InvalidArgument("expiresInDays must be a whole number between 1 and " +
                                     std::to_string(kMaxExpiresInDays));
    }
  }
  return req;
}

StatusOr<VerifyRequest> ParseVerifyRequest(const std::string& body) {
  StatusOr<FlatObject> obj = ParseObject(body);
  if (!obj.ok()) return obj.status();
  VerifyRequest req;
  std::optional<std::string> token;
  const FlatObject& o = *obj;
  for (Status s :
       {OptionalString(o, "token", &token), OptionalString(o, "scope", &req.scope),
        OptionalString(o, "ip", &req.ip), OptionalString(o, "userAgent", &req.user_agent),
        OptionalString(o, "action", &req.action), OptionalString(o, "resource", &req.resource)}) {
    if (!s.ok()) return s;
  }
  if (!token) return Status::InvalidArgument("token is required");
  req.token = std::move(*token);
  return req;
}

}  // namespace wit
