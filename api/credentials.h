#ifndef WIT_API_CREDENTIALS_H_
#define WIT_API_CREDENTIALS_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace wit {

// PresentedCredential is what an Authorization header carries.
struct PresentedCredential {
  enum class Scheme { kNone, kBearer, kBasic };
  Scheme scheme = Scheme::kNone;
  std::string username;  // Basic only: git sends any name with a token as the password
  std::string secret;    // the bearer credential, or Basic's password
};

// ParseAuthorization reads an Authorization header's value: "Bearer <credential>" (RFC 6750)
// or "Basic <base64 of user:password>" (RFC 7617), the scheme's name in any case. An empty
// value is kNone. Another scheme, Basic whose base64 does not decode or has no colon, or a
// credential that is empty or holds a control character, is InvalidArgument saying which.
// Never throws.
//
//   ParseAuthorization("Basic Z2l0OndpdF8uLi4=")  // {kBasic, "git", "wit_..."}
StatusOr<PresentedCredential> ParseAuthorization(std::string_view value);

// IsPersonalAccessToken reports whether a presented secret is meant as a personal access
// token ("wit_..."), not a session: a token is looked up by its hash, never read as a JWT.
bool IsPersonalAccessToken(std::string_view secret);

}  // namespace wit

#endif  // WIT_API_CREDENTIALS_H_
