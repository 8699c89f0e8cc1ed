#include "cli/token_json.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

namespace wit {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Status Unexpected(const std::string& what) {
  return Status::Internal("the server's answer is not what wit expects: " + what);
}

StatusOr<Object::Ptr> ParseObject(const std::string& body) {
  try {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var root = parser.parse(body);
    if (root.type() == typeid(Object::Ptr)) return root.extract<Object::Ptr>();
  } catch (const Poco::Exception&) {
    return Unexpected("not JSON");
  }
  return Unexpected("not a JSON object");
}

Status GetString(const Object& obj, const std::string& key, std::string* out) {
  if (!obj.has(key) || !obj.get(key).isString()) return Unexpected(key + " is not a string");
  *out = obj.getValue<std::string>(key);
  return Status::OK();
}

// GetTime reads an RFC 3339 time; a missing key or null leaves `out` empty.
Status GetTime(const Object& obj, const std::string& key, std::optional<TimeMs>* out) {
  if (!obj.has(key) || obj.isNull(key)) return Status::OK();
  std::string text;
  if (Status s = GetString(obj, key, &text); !s.ok()) return s;
  StatusOr<TimeMs> t = ParseRfc3339(text);
  if (!t.ok()) return Unexpected(key + " is not an RFC 3339 time");
  *out = *t;
  return Status::OK();
}

StatusOr<Array::Ptr> GetArray(const Object& obj, const std::string& key) {
  Array::Ptr arr = obj.has(key) ? obj.getArray(key) : nullptr;
  if (!arr) return Unexpected(key + " is not an array");
  return arr;
}

StatusOr<TokenInfo> ReadToken(const Object& obj) {
  TokenInfo t;
  for (auto [key, field] : {std::pair{"id", &t.id}, std::pair{"name", &t.name},
                            std::pair{"prefix", &t.prefix}, std::pair{"status", &t.status}}) {
    if (Status s = GetString(obj, key, field); !s.ok()) return s;
  }
  StatusOr<Array::Ptr> scopes = GetArray(obj, "scopes");
  if (!scopes.ok()) return scopes.status();
  for (size_t i = 0; i < (*scopes)->size(); ++i) {
    Poco::Dynamic::Var v = (*scopes)->get(i);
    if (!v.isString()) return Unexpected("scopes holds a non-string");
    t.scopes.push_back(v.extract<std::string>());
  }
  std::optional<TimeMs> created;
  for (auto [key, field] :
       {std::pair{"createdAt", &created}, std::pair{"expiresAt", &t.expires_at},
        std::pair{"lastUsedAt", &t.last_used_at}, std::pair{"revokedAt", &t.revoked_at}}) {
    if (Status s = GetTime(obj, key, field); !s.ok()) return s;
  }
  if (!created) return Unexpected("createdAt is missing");
  t.created_at = *created;
  if (obj.has("token") && !obj.isNull("token")) {
    std::string plaintext;
    if (Status s = GetString(obj, "token", &plaintext); !s.ok()) return s;
    t.token = std::move(plaintext);
  }
  return t;
}

}  // namespace

StatusOr<TokenInfo> ParseTokenObject(const std::string& body) {
  StatusOr<Object::Ptr> obj = ParseObject(body);
  if (!obj.ok()) return obj.status();
  return ReadToken(**obj);
}

StatusOr<std::vector<TokenInfo>> ParseTokenList(const std::string& body) {
  StatusOr<Object::Ptr> obj = ParseObject(body);
  if (!obj.ok()) return obj.status();
  StatusOr<Array::Ptr> arr = GetArray(**obj, "tokens");
  if (!arr.ok()) return arr.status();
  std::vector<TokenInfo> tokens;
  for (size_t i = 0; i < (*arr)->size(); ++i) {
    Object::Ptr item = (*arr)->getObject(i);
    if (!item) return Unexpected("tokens holds a non-object");
    StatusOr<TokenInfo> t = ReadToken(*item);
    if (!t.ok()) return t.status();
    tokens.push_back(std::move(*t));
  }
  return tokens;
}

StatusOr<std::vector<ScopeEntry>> ParseScopeList(const std::string& body) {
  StatusOr<Object::Ptr> obj = ParseObject(body);
  if (!obj.ok()) return obj.status();
  StatusOr<Array::Ptr> arr = GetArray(**obj, "scopes");
  if (!arr.ok()) return arr.status();
  std::vector<ScopeEntry> scopes;
  for (size_t i = 0; i < (*arr)->size(); ++i) {
    Object::Ptr item = (*arr)->getObject(i);
    if (!item) return Unexpected("scopes holds a non-object");
    ScopeEntry e;
    for (auto [key, field] : {std::pair{"name", &e.name}, std::pair{"group", &e.group},
                              std::pair{"description", &e.description}}) {
      if (Status s = GetString(*item, key, field); !s.ok()) return s;
    }
    scopes.push_back(std::move(e));
  }
  return scopes;
}

std::optional<std::string> ParseErrorMessage(const std::string& body) {
  StatusOr<Object::Ptr> obj = ParseObject(body);
  if (!obj.ok()) return std::nullopt;
  Object::Ptr error = (*obj)->getObject("error");
  std::string message;
  if (!error || !GetString(*error, "message", &message).ok()) return std::nullopt;
  return message;
}

}  // namespace wit
