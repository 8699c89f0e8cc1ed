#ifndef WIT_API_AUTH_ROUTES_H_
#define WIT_API_AUTH_ROUTES_H_

#include <string>

#include "api/api_handler.h"
#include "api/api_request.h"

namespace wit {

// AuthRoutes are the doors other services check tokens through without code written for
// them: RFC 7662 introspection and forward auth for proxies. Each call is recorded as a use
// of the token presented (TokenService::Verify).
class AuthRoutes {
 public:
  // REQUIRES: what `context` points to outlives the routes.
  explicit AuthRoutes(const ApiContext& context) : ctx_(context) {}

  // Introspect answers POST /oauth/introspect for `service`, already authenticated, with the
  // form `body` already read: 400 without token=, else 200 and IntrospectionJson.
  ApiReply Introspect(const ApiRequest& request, const std::string& service,
                      const std::string& body) const;

  // Forward decides for a proxy (nginx auth_request, Traefik forwardAuth, Envoy ext_authz)
  // whether the request it holds may pass (CONTRACT.md, "Forward auth"):
  //   401 without the proxy's service credential in X-Wit-Service-Credential (nothing
  //       recorded); 401 with WWW-Authenticate: Basic realm="wit" for a missing, malformed,
  //       unknown, revoked or expired user credential;
  //   403 for a scope short of the rule's, no rule matching, or an unreadable original request;
  //   200 with X-Wit-User, X-Wit-Token-Id and X-Wit-Scopes (space-separated).
  // Every decision about a token is recorded durably as its use before the answer.
  ApiReply Forward(const ApiRequest& request) const;

 private:
  // Proxy is the service the proxy's own credential names; Unauthenticated without one.
  StatusOr<Principal> Proxy(const ApiRequest& request) const;
  // Challenge is a 401 that asks for Basic credentials, so git asks its credential helper.
  ApiReply Challenge(const std::string& message) const;
  // Allowed is the 200 with the token's owner, id and scopes for the upstream.
  ApiReply Allowed(const TokenState& token) const;

  const ApiContext& ctx_;
};

}  // namespace wit

#endif  // WIT_API_AUTH_ROUTES_H_
