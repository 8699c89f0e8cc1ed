#ifndef WIT_API_CALLER_H_
#define WIT_API_CALLER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/session_authority.h"
#include "api/token_service.h"

namespace wit {

// Caller is whom a user route acts for: a user signed in with a session, or a personal access
// token acting as its owner within its scopes.
struct Caller {
  std::string user;
  std::optional<TokenState> token;  // set when the credential is a token
};

// CallerCheck is what a route needs of its caller, and what is recorded of a token's use.
struct CallerCheck {
  std::optional<std::string> scope;  // what the route needs; none: any active token
  std::string action;                // "tokens.list"
  std::optional<std::string> resource;
  std::string ip;
  std::optional<std::string> user_agent;
};

// kApiService is the service a use of a token on the API itself is recorded for.
inline constexpr const char* kApiService = "wit-api";

// AuthenticateCaller checks the Authorization value of a user route. "Bearer <session>" of a
// user is that user; a service's session is PermissionDenied. "Bearer wit_..." is checked as a
// token (TokenService::Verify, so the call is recorded as a use of it, allowed or denied):
// malformed, unknown, revoked or expired is Unauthenticated, a scope short of `check.scope`
// PermissionDenied naming the fix. Never a lookup of a token's raw text, never a JWT parse of
// it.
StatusOr<Caller> AuthenticateCaller(const SessionAuthority& sessions, TokenService& service,
                                    std::string_view authorization, const CallerCheck& check);

// WithinTokenScopes is OK when a token holding `held` may create a token with `wanted`: each
// wanted scope is granted by the held ones. Otherwise PermissionDenied naming the first scope
// beyond them. Unknown names are left to TokenService::Create.
Status WithinTokenScopes(const std::vector<std::string>& held,
                         const std::vector<std::string>& wanted);

// WithinTokenLifetime is OK when a token `parent` may create a token living `days` days
// (absent: for ever) from `now`: a parent that never expires may create any, one that expires
// only tokens that expire no later, so a short-lived token cannot mint a lasting one.
// Otherwise PermissionDenied saying the longest expiresInDays allowed.
Status WithinTokenLifetime(const TokenState& parent, std::optional<int64_t> days, TimeMs now);

// InheritTokenLimits carries a token `parent`'s limits down to a token it creates, as scopes
// and expiry are: an absent allowedIps or resources becomes the parent's (omitting them means
// "the caller's", never "none"), and given ones must lie within the parent's
// (token/resource_limits.h), else PermissionDenied naming the first one beyond them.
Status InheritTokenLimits(const TokenState& parent, CreateRequest* request);

// WithinTokenLimits is OK when `target`'s limits lie within `parent`'s: a limited token may
// rotate, and so obtain the plaintext of, only a sibling that is no less limited.
Status WithinTokenLimits(const TokenState& parent, const TokenState& target);

}  // namespace wit

#endif  // WIT_API_CALLER_H_
