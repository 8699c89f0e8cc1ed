#include "api/caller.h"

#include <algorithm>

#include "api/credentials.h"
#include "token/resource_limits.h"
#include "token/scopes.h"

namespace wit {
namespace {

// Refusal turns a denied token into what the route answers. The reasons are TokenService's.
Status Refusal(const std::string& reason, const std::optional<std::string>& scope) {
  if (reason == "insufficient_scope") {
    return Status::PermissionDenied("this token lacks " + *scope +
                                    " (wit token create NAME --scopes " + *scope + ")");
  }
  if (reason == "ip_not_allowed") {
    return Status::PermissionDenied(
        "this token may not be used from this address (its allowedIps)");
  }
  if (reason == "malformed") {
    return Status::Unauthenticated(
        "the token is malformed: not a wit_ token with a valid checksum");
  }
  if (reason == "revoked") return Status::Unauthenticated("the token is revoked");
  if (reason == "expired") return Status::Unauthenticated("the token has expired");
  return Status::Unauthenticated("the token is not known");
}

}  // namespace

StatusOr<Caller> AuthenticateCaller(const SessionAuthority& sessions, TokenService& service,
                                    std::string_view authorization, const CallerCheck& check) {
  StatusOr<PresentedCredential> presented = ParseAuthorization(authorization);
  if (presented.ok() && presented->scheme == PresentedCredential::Scheme::kBearer &&
      IsPersonalAccessToken(presented->secret)) {
    VerifyRequest use;
    use.token = presented->secret;
    use.scope = check.scope;
    use.ip = check.ip;
    use.user_agent = check.user_agent;
    use.action = check.action;
    use.resource = check.resource;
    use.check_resource = false;  // a token id, not a repository: outside resource limits
    StatusOr<VerifyResult> result = service.Verify(kApiService, use);
    if (!result.ok()) return result.status();
    if (!result->active) return Refusal(result->reason, check.scope);
    Caller caller{result->token.user_id, std::move(result->token)};
    return caller;
  }
  StatusOr<Principal> who = sessions.Authenticate(authorization);
  if (!who.ok()) return who.status();
  if (who->kind != Principal::Kind::kUser) {
    return Status::PermissionDenied("a service credential cannot manage tokens");
  }
  return Caller{who->name, std::nullopt};
}

Status WithinTokenScopes(const std::vector<std::string>& held,
                         const std::vector<std::string>& wanted) {
  for (const std::string& scope : wanted) {
    if (IsKnownScope(scope) && !ScopesGrant(held, scope)) {
      return Status::PermissionDenied(
          "a token cannot create a token with scopes beyond its own: it lacks " + scope);
    }
  }
  return Status::OK();
}

Status WithinTokenLifetime(const TokenState& parent, std::optional<int64_t> days, TimeMs now) {
  if (!parent.expires_at) return Status::OK();
  if (days && *days <= (*parent.expires_at - now) / kMsPerDay) return Status::OK();
  int64_t longest = (*parent.expires_at - now) / kMsPerDay;
  return Status::PermissionDenied("a token that expires cannot create a token that outlives it: " +
                                  (longest >= 1
                                       ? "give expiresInDays of at most " + std::to_string(longest)
                                       : std::string("it expires in less than a day")));
}

namespace {

// LimitsBeyond is PermissionDenied naming the first of `wanted_ips` and `wanted_resources` that
// lies beyond `parent`'s limits (an empty list, no limit, lies beyond any), or OK.
Status LimitsBeyond(const TokenState& parent, const std::vector<std::string>& wanted_ips,
                    const std::vector<std::string>& wanted_resources, const char* what) {
  auto refuse = [&](const std::string& field, const std::string& entry) {
    return Status::PermissionDenied(std::string("a token cannot ") + what + " a token with " +
                                    field + " beyond its own: " + entry);
  };
  if (!parent.allowed_ips.empty()) {
    if (wanted_ips.empty()) return refuse("allowedIps", "any address");
    if (std::optional<std::string> out = IpsOutside(parent.allowed_ips, wanted_ips)) {
      return refuse("allowedIps", *out);
    }
  }
  if (!parent.resources.empty()) {
    if (wanted_resources.empty()) return refuse("resources", "any resource");
    if (std::optional<std::string> out = ResourcesOutside(parent.resources, wanted_resources)) {
      return refuse("resources", *out);
    }
  }
  return Status::OK();
}

}  // namespace

Status InheritTokenLimits(const TokenState& parent, CreateRequest* request) {
  if (!request->allowed_ips && !parent.allowed_ips.empty()) {
    request->allowed_ips = parent.allowed_ips;
  }
  if (!request->resources && !parent.resources.empty()) request->resources = parent.resources;
  // Normalized as the service will store them, so that "10.0.0.1" is the block 10.0.0.1/32.
  std::vector<std::string> ips, resources;
  if (request->allowed_ips) {
    StatusOr<std::vector<std::string>> n = NormalizeAllowedIps(*request->allowed_ips);
    if (!n.ok()) return n.status();
    ips = std::move(*n);
  }
  if (request->resources) {
    StatusOr<std::vector<std::string>> n = NormalizeResources(*request->resources);
    if (!n.ok()) return n.status();
    resources = std::move(*n);
  }
  return LimitsBeyond(parent, ips, resources, "create");
}

Status WithinTokenLimits(const TokenState& parent, const TokenState& target) {
  return LimitsBeyond(parent, target.allowed_ips, target.resources, "rotate");
}

}  // namespace wit
