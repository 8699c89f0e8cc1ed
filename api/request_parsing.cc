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

// OptionalStrings reads `key` if present and not null; anything but an array of strings is
// InvalidArgument.
Status OptionalStrings(const FlatObject& obj, const char* key,
                       std::optional<std::vector<std::string>>* out) {
  const FlatValue* v = obj.Find(key);
  if (!v || v->type == Type::kNull) return Status::OK();
  if (v->type != Type::kStringArray) {
    return Status::InvalidArgument(std::string(key) + " must be an array of strings");
  }
  *out = v->strings;
  return Status::OK();
}

// OptionalDays reads "expiresInDays": absent, null or a whole number (range checks are
// TokenService's).
Status OptionalDays(const FlatObject& obj, std::optional<int64_t>* out) {
  const FlatValue* days = obj.Find("expiresInDays");
  if (!days || days->type == Type::kNull) return Status::OK();
  if (days->type != Type::kNumber) {
    return Status::InvalidArgument("expiresInDays must be a whole number of days");
  }
  if (days->is_integer) {
    *out = days->integer;
  } else if (std::isfinite(days->number) && days->number == std::floor(days->number) &&
             std::fabs(days->number) <= 1e6) {
    *out = static_cast<int64_t>(days->number);
  } else {
    return Status::InvalidArgument("expiresInDays must be a whole number between 1 and " +
                                   std::to_string(kMaxExpiresInDays));
  }
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

  if (Status s = OptionalStrings(*obj, "scopes", &req.scopes); !s.ok()) return s;

  if (Status s = OptionalDays(*obj, &req.expires_in_days); !s.ok()) return s;
  for (auto [key, field] :
       {std::pair{"allowedIps", &req.allowed_ips}, std::pair{"resources", &req.resources}}) {
    if (Status s = OptionalStrings(*obj, key, field); !s.ok()) return s;
  }
  return req;
}

StatusOr<std::optional<int64_t>> ParseRotateRequest(const std::string& body) {
  std::optional<int64_t> days;
  if (body.empty()) return days;
  StatusOr<FlatObject> obj = ParseObject(body);
  if (!obj.ok()) return obj.status();
  if (Status s = OptionalDays(*obj, &days); !s.ok()) return s;
  return days;
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

namespace wit {

StatusOr<int64_t> ParseExpiringWithin(const std::string& text) {
  // "7d", "36h" or a number of days. A window past every expiry is no error: it lists them all.
  std::string digits = text;
  int64_t unit = kMsPerDay;
  if (!digits.empty() && (digits.back() == 'd' || digits.back() == 'h')) {
    if (digits.back() == 'h') unit = kMsPerDay / 24;
    digits.pop_back();
  }
  bool number = !digits.empty() && digits.size() <= 6 &&
                digits.find_first_not_of("0123456789") == std::string::npos;
  int64_t n = number ? std::stoll(digits) : 0;
  if (n < 1) return Status::InvalidArgument("expiringWithin must be a duration such as 7d or 36h");
  return n * unit;
}

}  // namespace wit
