#ifndef WIT_CLI_ARGUMENTS_H_
#define WIT_CLI_ARGUMENTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace wit {

// Checks of command-line values that wit makes before it sends anything, so that a mistake is
// reported as a usage error naming the flag. Each failure is InvalidArgument with a message
// for the user.

// ParseExpiresFlag reads --expires: a whole number of days from 1 to 3650 (the API's range).
//
//   ParseExpiresFlag("30") == 30;  ParseExpiresFlag("0"), ("-1"), ("1.5"), ("x") fail
StatusOr<int64_t> ParseExpiresFlag(const std::string& text);

// ParseScopesFlag splits --scopes at commas and trims spaces: "repo:read, repo:write" gives
// {"repo:read", "repo:write"}. Empty items are dropped; no scope at all fails. Whether each
// scope exists is the server's to say.
StatusOr<std::vector<std::string>> ParseScopesFlag(const std::string& text);

// CheckTokenId accepts a token ID: a UUID, "550e8400-e29b-41d4-a716-446655440000". A token
// ("wit_...") given instead is refused without repeating it in the message.
Status CheckTokenId(const std::string& id);

// CheckSession accepts a session token: not empty (the message says how to get one) and
// without spaces or control characters, which could not travel in an HTTP header. The
// message never holds the session itself.
Status CheckSession(const std::string& session);

// CheckTokenCredential accepts WIT_TOKEN before it is sent: a wit_ token with a valid
// checksum. The message never holds the token.
Status CheckTokenCredential(const std::string& token);

}  // namespace wit

#endif  // WIT_CLI_ARGUMENTS_H_
