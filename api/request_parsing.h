#ifndef WIT_API_REQUEST_PARSING_H_
#define WIT_API_REQUEST_PARSING_H_

#include <string>

#include "api/token_service.h"
#include "base/status.h"

namespace wit {

// ParseCreateRequest reads the body of POST /api/tokens: {"name", "scopes"?, "expiresInDays"?,
// "allowedIps"?, "resources"?}.
// Malformed JSON, a non-object, a missing name or a field of the wrong type is InvalidArgument
// naming the field; unknown fields are ignored. Range checks are TokenService's.
StatusOr<CreateRequest> ParseCreateRequest(const std::string& body);

// ParseRotateRequest reads the body of a rotation, {"expiresInDays"?}, which may be empty.
StatusOr<std::optional<int64_t>> ParseRotateRequest(const std::string& body);

// ParseExpiringWithin reads GET /api/tokens?expiringWithin=: "7d", "36h" or a number of days
// (1 to 999999 of the unit), as milliseconds.
StatusOr<int64_t> ParseExpiringWithin(const std::string& text);

// ParseVerifyRequest reads the body of POST /api/tokens/verify: {"token", "scope"?, "ip"?,
// "userAgent"?, "action"?, "resource"?}.
StatusOr<VerifyRequest> ParseVerifyRequest(const std::string& body);

}  // namespace wit

#endif  // WIT_API_REQUEST_PARSING_H_
