#include "cli/commands.h"

#include <Poco/URI.h>

#include "base/flat_json.h"
#include "base/json_writer.h"
#include "base/time_util.h"
#include "cli/output.h"
#include "cli/token_json.h"

namespace wit {
namespace {

// AsJson is the server's body as one JSON document ending in a newline.
std::string AsJson(std::string body) {
  if (body.empty() || body.back() != '\n') body += '\n';
  return body;
}

// NamedNotFound makes a 404 about token `id` say so in wit's words.
StatusOr<std::string> NamedNotFound(StatusOr<std::string> body, const std::string& id) {
  if (!body.ok() && body.status().code() == Status::Code::kNotFound) {
    return Status::NotFound("token not found: " + id);
  }
  return body;
}

}  // namespace

StatusOr<std::string> RunCreate(ApiClient& client, const CreateArgs& args) {
  StatusOr<std::string> body = client.CreateToken(
      {args.name, args.scopes, args.expires_in_days, args.allowed_ips, args.resources});
  if (!body.ok()) return body.status();
  if (args.json) return AsJson(std::move(*body));
  StatusOr<TokenInfo> token = ParseTokenAnswer(*body);
  if (!token.ok()) return token.status();
  if (!token->token) return Status::Internal("the server's answer holds no token");
  return RenderCreated(*token, NowMs());
}

StatusOr<std::string> RunList(ApiClient& client, bool all, bool json) {
  StatusOr<std::string> body = client.ListTokens(all ? "all" : "active");
  if (!body.ok()) return body.status();
  if (json) return AsJson(std::move(*body));
  StatusOr<std::vector<TokenInfo>> tokens = ParseTokenList(*body);
  if (!tokens.ok()) return tokens.status();
  return RenderTokenList(*tokens, all, NowMs());
}

StatusOr<std::string> RunRevoke(ApiClient& client, const std::string& id, bool json) {
  StatusOr<std::string> body = NamedNotFound(client.RevokeToken(id), id);
  if (!body.ok()) return body.status();
  if (json) return AsJson(std::move(*body));
  StatusOr<TokenInfo> token = ParseTokenAnswer(*body);
  if (!token.ok()) return token.status();
  return RenderRevoked(*token);
}

StatusOr<std::string> RunRotate(ApiClient& client, const std::string& id,
                                std::optional<int64_t> expires_in_days, bool json) {
  StatusOr<std::string> body = NamedNotFound(client.RotateToken(id, expires_in_days), id);
  if (!body.ok()) return body.status();
  if (json) return AsJson(std::move(*body));
  StatusOr<TokenInfo> token = ParseTokenAnswer(*body);
  if (!token.ok()) return token.status();
  if (!token->token) return Status::Internal("the server's answer holds no token");
  return RenderRotated(*token, NowMs());
}

StatusOr<std::string> RunAdminList(ApiClient& client, const AdminListArgs& args) {
  std::string query;
  for (const auto& [key, value] : args.query) {
    std::string encoded;
    Poco::URI::encode(value, "&=+#?/", encoded);
    query += (query.empty() ? "" : "&") + key + "=" + encoded;
  }
  StatusOr<std::string> body = client.AdminListTokens(query);
  if (!body.ok()) return body.status();
  if (args.json) return AsJson(std::move(*body));
  StatusOr<std::vector<TokenInfo>> tokens = ParseTokenList(*body);
  if (!tokens.ok()) return tokens.status();
  StatusOr<FlatObject> page = ParseFlatObject(*body);
  const FlatValue* next = page.ok() ? page->Find("nextCursor") : nullptr;
  std::string cursor = next && next->type == FlatValue::Type::kString ? next->string : "";
  return RenderAdminList(*tokens, cursor, NowMs());
}

StatusOr<std::string> RunAdminRevoke(ApiClient& client, const AdminRevokeArgs& args) {
  JsonWriter w;
  w.BeginObject();
  if (args.user_id) w.Key("userId").String(*args.user_id);
  if (!args.ids.empty()) w.Key("ids").StringArray(args.ids);
  if (args.created_before) w.Key("createdBefore").String(*args.created_before);
  w.Key("reason").String(args.reason).EndObject();
  StatusOr<std::string> body = client.AdminRevokeTokens(w.Take());
  if (!body.ok()) return body.status();
  if (args.json) return AsJson(std::move(*body));
  StatusOr<FlatObject> answer = ParseFlatObject(*body);
  const FlatValue* n = answer.ok() ? answer->Find("revoked") : nullptr;
  if (!n || !n->is_integer) return Status::Internal("the server's answer holds no count");
  return "Revoked " + std::to_string(n->integer) + (n->integer == 1 ? " token\n" : " tokens\n");
}

StatusOr<std::string> RunAdminIdentify(ApiClient& client, const std::string& token, bool json) {
  StatusOr<std::string> body = client.AdminIdentifyToken(token);
  if (!body.ok()) return body.status();
  if (json) return AsJson(std::move(*body));
  StatusOr<TokenInfo> t = ParseTokenAnswer(*body);
  if (!t.ok()) return t.status();
  return RenderIdentified(*t, NowMs());
}

StatusOr<std::string> RunScopes(ApiClient& client, bool json) {
  StatusOr<std::string> body = client.ListScopes();
  if (!body.ok()) return body.status();
  if (json) return AsJson(std::move(*body));
  StatusOr<std::vector<ScopeEntry>> scopes = ParseScopeList(*body);
  if (!scopes.ok()) return scopes.status();
  return RenderScopes(*scopes);
}

}  // namespace wit
