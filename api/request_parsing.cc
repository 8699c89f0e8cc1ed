#include "api/request_parsing.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cmath>

namespace wit {
namespace {

using Poco::JSON::Object;

StatusOr<Object::Ptr> ParseObject(const std::string& body) {
  if (body.empty()) return Status::InvalidArgument("request body must be a JSON object");
  try {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var root = parser.parse(body);
    if (root.type() != typeid(Object::Ptr)) {
      return Status::InvalidArgument("request body must be a JSON object");
    }
    return root.extract<Object::Ptr>();
  } catch (const Poco::Exception&) {
    return Status::InvalidArgument("request body is not valid JSON");
  }
}

// OptionalString reads `key` if present and not null; a non-string is InvalidArgument.
Status OptionalString(const Object& obj, const char* key, std::optional<std::string>* out) {
  if (!obj.has(key) || obj.isNull(key)) return Status::OK();
  Poco::Dynamic::Var v = obj.get(key);
  if (!v.isString()) return Status::InvalidArgument(std::string(key) + " must be a string");
  *out = v.extract<std::string>();
  return Status::OK();
}

}  // namespace

StatusOr<CreateRequest> ParseCreateRequest(const std::string& body) {
  StatusOr<Object::Ptr> obj = ParseObject(body);
  if (!obj.ok()) return obj.status();
  CreateRequest req;
  std::optional<std::string> name;
  if (Status s = OptionalString(**obj, "name", &name); !s.ok()) return s;
  if (!name) return Status::InvalidArgument("name is required");
  req.name = *name;

  if ((*obj)->has("scopes") && !(*obj)->isNull("scopes")) {
    Poco::JSON::Array::Ptr arr = (*obj)->getArray("scopes");
    if (!arr) return Status::InvalidArgument("scopes must be an array of strings");
    std::vector<std::string> scopes;
    for (size_t i = 0; i < arr->size(); ++i) {
      Poco::Dynamic::Var v = arr->get(i);
      if (!v.isString()) return Status::InvalidArgument("scopes must be an array of strings");
      scopes.push_back(v.extract<std::string>());
    }
    req.scopes = std::move(scopes);
  }

  if ((*obj)->has("expiresInDays") && !(*obj)->isNull("expiresInDays")) {
    Poco::Dynamic::Var v = (*obj)->get("expiresInDays");
    if (v.isBoolean() || v.isString() || !v.isNumeric()) {
      return Status::InvalidArgument("expiresInDays must be a whole number of days");
    }
    if (v.isInteger()) {
      try {
        req.expires_in_days = v.convert<int64_t>();
      } catch (const Poco::Exception&) {  // an integer beyond int64
        return Status::InvalidArgument("expiresInDays must be between 1 and 3650");
      }
    } else {
      double d = v.convert<double>();
      if (!std::isfinite(d) || d != std::floor(d) || d < -1e6 || d > 1e6) {
        return Status::InvalidArgument("expiresInDays must be a whole number between 1 and 3650");
      }
      req.expires_in_days = static_cast<int64_t>(d);
    }
  }
  return req;
}

StatusOr<VerifyRequest> ParseVerifyRequest(const std::string& body) {
  StatusOr<Object::Ptr> obj = ParseObject(body);
  if (!obj.ok()) return obj.status();
  VerifyRequest req;
  std::optional<std::string> token;
  const Object& o = **obj;
  for (Status s : {OptionalString(o, "token", &token), OptionalString(o, "scope", &req.scope),
                   OptionalString(o, "ip", &req.ip), OptionalString(o, "userAgent", &req.user_agent),
                   OptionalString(o, "action", &req.action),
                   OptionalString(o, "resource", &req.resource)}) {
    if (!s.ok()) return s;
  }
  if (!token) return Status::InvalidArgument("token is required");
  req.token = std::move(*token);
  return req;
}

}  // namespace wit
