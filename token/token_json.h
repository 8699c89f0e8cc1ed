#ifndef WIT_TOKEN_TOKEN_JSON_H_
#define WIT_TOKEN_TOKEN_JSON_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/flat_json.h"
#include "base/json_writer.h"
#include "base/status.h"
#include "base/time_util.h"

namespace wit {

// TokenObject is a token as JSON shows it: the REST API's token object (CONTRACT.md) and, with
// the audit fields, a line of `wit-audit tokens`. The one encoder and the one decoder below
// are each other's inverse (token_json_test).
struct TokenObject {
  std::string id;
  std::string name;
  std::string prefix;
  std::vector<std::string> scopes;
  TimeMs created_at = 0;
  std::optional<TimeMs> expires_at;
  std::optional<TimeMs> last_used_at;
  std::optional<TimeMs> revoked_at;
  std::string status;                                   // "active", "revoked" or "expired"
  std::optional<std::string> revoked_reason;            // null unless revoked with a reason
  std::optional<std::string> rotated_from;              // null unless made by a rotation
  std::optional<std::vector<std::string>> allowed_ips;  // null: any address
  std::optional<std::vector<std::string>> resources;    // null: any resource
  std::vector<std::string> last_used_ips;               // newest first
  // The plaintext: only in the answer to a create request.
  std::optional<std::string> token;
  // The audit fields, for security teams (wit-audit); the API never shows them.
  std::optional<std::string> user_id;
  std::optional<std::string> token_hash;
  std::optional<std::string> revoked_by;  // null in JSON until revoked
};

// TokenFields picks the shape: the API's; the API's with userId (GET /api/tokens/self); or
// the API's with userId, tokenHash and revokedBy (the audit's).
enum class TokenFields { kApi, kSelf, kAudit };

// WriteTokenObject writes `t` as one JSON object, members in this order:
//   id, (userId), name, prefix, [tokenHash], scopes, allowedIps, resources, createdAt,
//   expiresAt, lastUsedAt, lastUsedIps, revokedAt, [revokedBy], revokedReason, rotatedFrom,
//   status, [token]
// where (userId) is in kSelf and kAudit, [..] are the audit fields (kAudit) and token (when
// set).
void WriteTokenObject(JsonWriter& w, const TokenObject& t, TokenFields fields);

// ReadTokenObject reads a token object back. Required: id, name, prefix and status (strings),
// scopes (strings), createdAt (RFC 3339); expiresAt, lastUsedAt and revokedAt may be null or
// missing; token, the audit fields, revokedReason, rotatedFrom, allowedIps, resources and
// lastUsedIps are read when present (answers of older servers lack them). Anything else is
// InvalidArgument naming the member.
StatusOr<TokenObject> ReadTokenObject(const FlatObject& obj);

// ParseTokenObject is ReadTokenObject of a JSON document.
StatusOr<TokenObject> ParseTokenObject(std::string_view json);

}  // namespace wit

#endif  // WIT_TOKEN_TOKEN_JSON_H_
