#ifndef WIT_API_INTROSPECTION_H_
#define WIT_API_INTROSPECTION_H_

#include <string>

#include "api/token_service.h"

namespace wit {

// kIntrospectAction is what an introspection is recorded as.
inline constexpr const char* kIntrospectAction = "oauth.introspect";

// IntrospectionJson is RFC 7662 §2.2's answer for a checked token. An active token's:
//   {"active":true,"scope":"repo:read repo:write","username":"alice","sub":"alice",
//   "token_type":"Bearer","exp":1767225600,"iat":1764633600,"jti":"<id>"}
// with exp only when the token expires (seconds since the epoch, as are iat). Any other is
// exactly {"active":false}: the RFC asks that nothing be told of an inactive token.
std::string IntrospectionJson(const VerifyResult& result);

}  // namespace wit

#endif  // WIT_API_INTROSPECTION_H_
