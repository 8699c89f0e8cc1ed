#ifndef WIT_CLI_COMMANDS_H_
#define WIT_CLI_COMMANDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "cli/api_client.h"

namespace wit {

// The `wit token` commands, with their arguments already checked. Each sends its request and
// returns the text for stdout: with `json` the server's JSON body, else the human-readable
// output of cli/output.h. A failure is the Status from ApiClient (or Internal when the answer
// cannot be read), for the caller to report.

struct CreateArgs {
  std::string name;
  std::optional<std::vector<std::string>> scopes;       // absent: the server's default
  std::optional<int64_t> expires_in_days;               // absent: never expires
  std::optional<std::vector<std::string>> allowed_ips;  // --allow-ip; absent: any address
  std::optional<std::vector<std::string>> resources;    // --resource; absent: any
  bool json = false;
};

StatusOr<std::string> RunCreate(ApiClient& client, const CreateArgs& args);

// RunList lists the active tokens, or with `all` every token, including revoked and expired
// ones, with a Status column.
StatusOr<std::string> RunList(ApiClient& client, bool all, bool json);

// RunRevoke revokes the token `id`. A 404 becomes NotFound "token not found: ID".
StatusOr<std::string> RunRevoke(ApiClient& client, const std::string& id, bool json);

// RunRotate rotates the token `id`: the new token once, as create shows it, and the revoked
// one named. A 404 becomes NotFound "token not found: ID".
StatusOr<std::string> RunRotate(ApiClient& client, const std::string& id,
                                std::optional<int64_t> expires_in_days, bool json);

StatusOr<std::string> RunScopes(ApiClient& client, bool json);

// The `wit admin tokens` commands, for an admin session (witd session issue --admin).
struct AdminListArgs {
  std::vector<std::pair<std::string, std::string>> query;  // the API's names: user, status...
  bool json = false;
};

// RunAdminList lists every user's tokens the query selects, one page, with a User column and,
// when more follow, the --cursor to give for the next page.
StatusOr<std::string> RunAdminList(ApiClient& client, const AdminListArgs& args);

struct AdminRevokeArgs {
  std::optional<std::string> user_id;
  std::vector<std::string> ids;
  std::optional<std::string> created_before;
  std::string reason;
  bool json = false;
};

// RunAdminRevoke revokes every token the selectors match: "Revoked N tokens".
StatusOr<std::string> RunAdminRevoke(ApiClient& client, const AdminRevokeArgs& args);

// RunAdminIdentify names the owner of `token` (read from stdin by the caller, never argv).
StatusOr<std::string> RunAdminIdentify(ApiClient& client, const std::string& token, bool json);

}  // namespace wit

#endif  // WIT_CLI_COMMANDS_H_
