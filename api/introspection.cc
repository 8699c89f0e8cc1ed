#include "api/introspection.h"

#include "base/json_writer.h"
#include "token/scopes.h"

namespace wit {

std::string IntrospectionJson(const VerifyResult& result) {
  if (!result.active) return R"({"active":false})";
  const TokenState& t = result.token;
  JsonWriter w;
  w.BeginObject().Key("active").Bool(true).Key("scope").String(ScopeList(t.scopes));
  w.Key("username").String(t.user_id).Key("sub").String(t.user_id);
  w.Key("token_type").String("Bearer");
  if (t.expires_at) w.Key("exp").Int(*t.expires_at / 1000);
  w.Key("iat").Int(t.created_at / 1000).Key("jti").String(t.id);
  w.EndObject();
  return w.Take();
}

}  // namespace wit
