#include "api/auth_routes.h"

#include <optional>

#include "api/credentials.h"
#include "api/form_body.h"
#include "api/introspection.h"
#include "base/json_writer.h"
#include "token/scopes.h"

namespace wit {

ApiReply AuthRoutes::Introspect(const ApiRequest& request, const std::string& service,
                                const std::string& body) const {
  StatusOr<FormFields> form = ParseFormBody(body, {"token", "token_type_hint"});
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

namespace {

// HeaderOf reads a request header, "" when absent.
std::string HeaderOf(const ApiRequest& request, const char* name) {
  return request.header ? request.header(name) : std::string();
}

}  // namespace

StatusOr<Principal> AuthRoutes::Proxy(const ApiRequest& request) const {
  std::string credential = HeaderOf(request, "X-Wit-Service-Credential");
  if (!credential.empty() && credential.compare(0, 7, "Bearer ") != 0) {
    credential = "Bearer " + credential;
  }
  StatusOr<Principal> proxy = ctx_.sessions->Authenticate(credential);
  if (!proxy.ok() || proxy->kind != Principal::Kind::kService) {
    return Status::Unauthenticated(
        "the proxy's service credential (X-Wit-Service-Credential) is " +
        std::string(proxy.ok() ? "not a service's" : "missing or invalid"));
  }
  return proxy;
}

ApiReply AuthRoutes::Challenge(const std::string& message) const {
  ctx_.metrics->Increment("wit_forward_auth_total", {{"decision", "unauthenticated"}});
  ApiReply r = ErrorReply(401, message);
  r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"wit\"");
  return r;
}

ApiReply AuthRoutes::Forward(const ApiRequest& request) const {
  // The proxy proves itself first: without that nothing is looked at or recorded, so the
  // endpoint is no oracle for whoever reaches it.
  StatusOr<Principal> proxy = Proxy(request);
  if (!proxy.ok()) {
    ctx_.metrics->Increment("wit_forward_auth_total", {{"decision", "proxy_refused"}});
    return StatusReply(proxy.status());
  }
  StatusOr<PresentedCredential> user = ParseAuthorization(request.authorization);
  if (!user.ok()) return Challenge(user.status().message());
  if (user->scheme == PresentedCredential::Scheme::kNone) return Challenge("sign in with a token");
  if (!IsPersonalAccessToken(user->secret)) return Challenge("the credential is not a wit token");

  ForwardHeaders forwarded{
      HeaderOf(request, "X-Original-Method"),  HeaderOf(request, "X-Original-URI"),
      HeaderOf(request, "X-Forwarded-Method"), HeaderOf(request, "X-Forwarded-Uri"),
      HeaderOf(request, "X-Forwarded-For"),    HeaderOf(request, "X-Real-IP")};
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
  if (result->active) return Allowed(result->token);

  const std::string& reason = result->reason;
  if (reason == "malformed" || reason == "unknown" || reason == "revoked" || reason == "expired") {
    return Challenge("the token is " + reason);
  }
  ctx_.metrics->Increment("wit_forward_auth_total", {{"decision", "denied"}});
  if (reason == "insufficient_scope") {
    return ErrorReply(403, "this token lacks " + *use.scope + " (wit token create NAME --scopes " +
                               *use.scope + ")");
  }
  if (reason == "ip_not_allowed") {
    return ErrorReply(403, "this token may not be used from this address (its allowedIps)");
  }
  if (reason == "resource_not_allowed") {
    return ErrorReply(
        403, "this token may not be used on " + use.resource.value_or("") + " (its resources)");
  }
  return ErrorReply(
      403, original.ok() ? "no rule allows " + original->method + " " + original->path
                         : "the original request cannot be read: " + original.status().message());
}

ApiReply AuthRoutes::Allowed(const TokenState& t) const {
  ctx_.metrics->Increment("wit_forward_auth_total", {{"decision", "allowed"}});
  JsonWriter w;
  w.BeginObject().Key("allowed").Bool(true).Key("userId").String(t.user_id);
  w.Key("tokenId").String(t.id).Key("scopes").StringArray(t.scopes).EndObject();
  ApiReply r{200, w.Take()};
  r.headers = {
      {"X-Wit-User", t.user_id}, {"X-Wit-Token-Id", t.id}, {"X-Wit-Scopes", ScopeList(t.scopes)}};
  return r;
}

}  // namespace wit
