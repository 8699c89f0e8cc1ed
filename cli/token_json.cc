#include "cli/token_json.h"

#include "base/flat_json.h"

namespace wit {
namespace {

using Type = FlatValue::Type;

Status Unexpected(const std::string& what) {
  return Status::Internal("the server's answer is not what wit expects: " + what);
}

StatusOr<FlatObject> ParseObject(const std::string& body) {
  StatusOr<FlatObject> obj = ParseFlatObject(body);
  if (!obj.ok()) return Unexpected("not a JSON object (" + obj.status().message() + ")");
  return obj;
}

// Objects returns the objects of the array member `key`.
StatusOr<std::vector<const FlatObject*>> Objects(const FlatObject& obj, const std::string& key) {
  const FlatValue* v = obj.Find(key);
  if (!v || (v->type != Type::kArray && v->type != Type::kStringArray)) {
    return Unexpected(key + " is not an array");
  }
  std::vector<const FlatObject*> out;
  if (v->type == Type::kStringArray && !v->strings.empty()) {
    return Unexpected(key + " holds a non-object");
  }
  for (const FlatValue& element : v->elements) {
    if (element.type != Type::kObject) return Unexpected(key + " holds a non-object");
    out.push_back(element.object.get());
  }
  return out;
}

StatusOr<TokenInfo> ReadToken(const FlatObject& obj) {
  StatusOr<TokenObject> t = ReadTokenObject(obj);
  if (!t.ok()) return Unexpected(t.status().message());
  return t;
}

}  // namespace

StatusOr<TokenInfo> ParseTokenAnswer(const std::string& body) {
  StatusOr<FlatObject> obj = ParseObject(body);
  if (!obj.ok()) return obj.status();
  return ReadToken(*obj);
}

StatusOr<std::vector<TokenInfo>> ParseTokenList(const std::string& body) {
  StatusOr<FlatObject> obj = ParseObject(body);
  if (!obj.ok()) return obj.status();
  StatusOr<std::vector<const FlatObject*>> items = Objects(*obj, "tokens");
  if (!items.ok()) return items.status();
  std::vector<TokenInfo> tokens;
  for (const FlatObject* item : *items) {
    StatusOr<TokenInfo> t = ReadToken(*item);
    if (!t.ok()) return t.status();
    tokens.push_back(std::move(*t));
  }
  return tokens;
}

StatusOr<std::vector<ScopeEntry>> ParseScopeList(const std::string& body) {
  StatusOr<FlatObject> obj = ParseObject(body);
  if (!obj.ok()) return obj.status();
  StatusOr<std::vector<const FlatObject*>> items = Objects(*obj, "scopes");
  if (!items.ok()) return items.status();
  std::vector<ScopeEntry> scopes;
  for (const FlatObject* item : *items) {
    ScopeEntry e;
    for (auto [key, field] : {std::pair{"name", &e.name}, std::pair{"group", &e.group},
                              std::pair{"description", &e.description}}) {
      const FlatValue* v = item->Find(key);
      if (!v || v->type != Type::kString) return Unexpected(std::string(key) + " is not a string");
      *field = v->string;
    }
    scopes.push_back(std::move(e));
  }
  return scopes;
}

}  // namespace wit
