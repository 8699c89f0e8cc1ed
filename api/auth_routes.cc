#include "api/auth_routes.h"

#include <optional>

#include "api/credentials.h"
#include "api/form_body.h"
#include "api/introspection.h"
#include "base/json_writer.h"

namespace wit {

ApiReply AuthRoutes::Introspect(const ApiRequest& request, const std::string& service,
                                const std::string& body) const {
  StatusOr<FormFields> form = ParseFormBody(body);
  if (!form.ok()) return StatusReply(form.status());
  auto token = form->find("token");
  if (token == form->end() || token->second.empty()) {
    return ErrorReply(400, "the form needs token=<the token to introspect>");
  }
  VerifyRequest use;
  use.token = token->second;
  use.action = kIntrospectAction;
  if (!request.user_agent.empty()) use.user_agent = request.user_agent;
  StatusOr<VerifyResult> result = ctx_.service->Verify(service, use);
  if (!result.ok()) return StatusReply(result.status());
  ctx_.metrics->Increment("wit_introspect_total",
                          {{"result", result->active ? "active" : "inactive"}});
  return {200, IntrospectionJson(*result)};
}

ApiReply AuthRoutes::Forward(const ApiRequest& request) const {
  auto header = [&](const char* name) {
    return request.header ? request.header(name) : std::string();
  };
  // The proxy proves itself first: without that nothing is looked at or recorded, so the
  // endpoint is no oracle for whoever reaches it.
  std::string proxy_credential = header("X-Wit-Service-Credential");
  if (!proxy_credential.empty() && proxy_credential.compare(0, 7, "Bearer ") != 0) {
    proxy_credential = "Bearer " + proxy_credential;
  }
  StatusOr<Principal> proxy = ctx_.sessions->Authenticate(proxy_credential);
  if (!proxy.ok() || proxy->kind != Principal::Kind::kService) {
    ctx_.metrics->Increment("wit_forward_auth_total", {{"decision", "proxy_refused"}});
    return ErrorReply(401, "the proxy's service credential (X-Wit-Service-Credential) is " +
                               std::string(proxy.ok() ? "not a service's" : "missing or invalid"));
  }
  auto challenge = [&](const std::string& message) {
    ctx_.metrics->Increment("wit_forward_auth_total", {{"decision", "unauthenticated"}});
    ApiReply r = ErrorReply(401, message);
    r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"wit\"");
    return r;
  };
  StatusOr<PresentedCredential> user = ParseAuthorization(request.authorization);
  if (!user.ok()) return challenge(user.status().message());
  if (user->scheme == PresentedCredential::Scheme::kNone) return challenge("sign in with a token");
  if (!IsPersonalAccessToken(user->secret)) return challenge("the credential is not a wit token");

  ForwardHeaders forwarded{header("X-Original-Method"),  header("X-Original-URI"),
                           header("X-Forwarded-Method"), header("X-Forwarded-Uri"),
                           header("X-Forwarded-For"),    header("X-Real-IP")};
  static const AuthRules kBuiltIn;
  const AuthRules& rules = ctx_.auth_rules ? *ctx_.auth_rules : kBuiltIn;
  StatusOr<OriginalRequest> original = ReadOriginalRequest(forwarded, request.method, request.uri);
  std::optional<RuleMatch> match = original.ok() ? rules.Match(*original) : std::nullopt;

  VerifyRequest use;
  use.token = user->secret;
  use.durable = true;
  std::string client = ForwardedClient(forwarded);
  if (!client.empty()) use.ip = client;
  if (!request.user_agent.empty()) use.user_agent = request.user_agent;
  if (match) {
    use.scope = match->scope;
    use.action = match->action;
    use.resource = match->resource;
  } else {
    use.deny = original.ok() ? "no_matching_rule" : "bad_original_request";
    if (original.ok()) use.resource = original->path.substr(1);
  }
  StatusOr<VerifyResult> result = ctx_.service->Verify(proxy->name, use);
  if (!result.ok()) return StatusReply(result.status());
  const std::string& reason = result->reason;
  if (result->active) {
    ctx_.metrics->Increment("wit_forward_auth_total", {{"decision", "allowed"}});
    const TokenState& t = result->token;
    std::string scopes;
    for (const std::string& s : t.scopes) scopes += (scopes.empty() ? "" : " ") + s;
    JsonWriter w;
    w.BeginObject().Key("allowed").Bool(true).Key("userId").String(t.user_id);
    w.Key("tokenId").String(t.id).Key("scopes").StringArray(t.scopes).EndObject();
    ApiReply r{200, w.Take()};
    r.headers = {{"X-Wit-User", t.user_id}, {"X-Wit-Token-Id", t.id}, {"X-Wit-Scopes", scopes}};
    return r;
  }
  if (reason == "malformed" || reason == "unknown" || reason == "revoked" || reason == "expired") {
    return challenge("the token is " + reason);
  }
  ctx_.metrics->Increment("wit_forward_auth_total", {{"decision", "denied"}});
  if (reason == "insufficient_scope") {
    return ErrorReply(403, "this token lacks " + *use.scope + " (wit token create NAME --scopes " +
                               *use.scope + ")");
  }
  return ErrorReply(
      403, original.ok() ? "no rule allows " + original->method + " " + original->path
                         : "the original request cannot be read: " + original.status().message());
}

}  // namespace wit
