#ifndef WIT_CLI_OUTPUT_H_
#define WIT_CLI_OUTPUT_H_

#include <string>
#include <vector>

#include "base/time_util.h"
#include "cli/token_json.h"

namespace wit {

// The human-readable output of each `wit token` command, as in the seed document. Every
// function returns whole lines, each ending in '\n'; `now` is the client's clock, against which
// relative times ("2 hours ago", "in 30 days") are taken. Text from the server passes through
// ForTerminal.

// RenderCreated is the answer to `wit token create`: the success line, the Name/ID/Token/
// Scopes/Expires block, the copy-it-now warning and the export line. It is the only output
// that shows a token's plaintext.
std::string RenderCreated(const TokenInfo& token, TimeMs now);

// RenderTokenList is `wit token list`: a header, then a table with ID, Name, Scopes (compacted,
// "repo:read,write"), Last Used and Expires, plus Status when `with_status`; "No tokens found."
// when `tokens` is empty. An active token expiring in under kExpiresSoonDays has its Expires
// marked "! in 3 days".
inline constexpr int64_t kExpiresSoonDays = 7;
std::string RenderTokenList(const std::vector<TokenInfo>& tokens, bool with_status, TimeMs now);

// RenderRevoked is `wit token revoke`: "Token revoked successfully".
std::string RenderRevoked(const TokenInfo& token);

// RenderRotated is `wit token rotate`: RenderCreated of the new token, then a line naming the
// token it replaced, "Revoked token ID (rotated)".
std::string RenderRotated(const TokenInfo& created, TimeMs now);

// RenderAdminList is `wit admin tokens list`: a table with ID, User, Name, Scopes, Last Used,
// Expires and Status; then, when `next_cursor` is set, the line giving the next page's flag.
std::string RenderAdminList(const std::vector<TokenInfo>& tokens, const std::string& next_cursor,
                            TimeMs now);

// RenderIdentified is `wit admin tokens identify`: the token's ID, User, Name, Prefix, Scopes,
// Status, Created and Last Used, one per line.
std::string RenderIdentified(const TokenInfo& token, TimeMs now);

// RenderScopes is `wit token scopes`: the scopes under their group headings ("Repository:"),
// groups in order of first appearance, names padded to a common width of at least 12.
std::string RenderScopes(const std::vector<ScopeEntry>& scopes);

// FormatExpiryDate is the Expires line of RenderCreated: "Never", or the UTC date and the
// relative time, "2026-12-28 (in 30 days)".
std::string FormatExpiryDate(const std::optional<TimeMs>& expires_at, TimeMs now);

}  // namespace wit

#endif  // WIT_CLI_OUTPUT_H_
