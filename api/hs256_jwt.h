#ifndef WIT_API_HS256_JWT_H_
#define WIT_API_HS256_JWT_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace wit {

// SignHs256Jwt returns the compact JWT (RFC 7519) with header {"alg":"HS256","typ":"JWT"},
// `payload_json` as its claims, signed with HMAC-SHA256 under `key`.
//
//   std::string jwt = SignHs256Jwt(key, R"({"sub":"alice","iat":1,"exp":2})");
std::string SignHs256Jwt(std::string_view key, std::string_view payload_json);

// VerifyHs256Jwt checks that `jwt` is three base64url segments, that its header is a JSON object
// whose "alg" is "HS256" (so "none" and every other algorithm are refused), and that its
// signature is the HMAC-SHA256 of the first two segments under `key`, compared in constant
// time. It returns the decoded payload (still to be parsed), or Unauthenticated saying which
// check failed. Claims (exp, iat) are the caller's to check. Never throws.
StatusOr<std::string> VerifyHs256Jwt(std::string_view key, std::string_view jwt);

}  // namespace wit

#endif  // WIT_API_HS256_JWT_H_
