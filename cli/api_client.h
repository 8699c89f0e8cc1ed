#ifndef WIT_CLI_API_CLIENT_H_
#define WIT_CLI_API_CLIENT_H_

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "net/server_address.h"

namespace wit {

// ApiClient sends the token API's requests to one wit server over plain HTTP, one connection per
// request. Each call returns the body of a 2xx answer as the server sent it. Failures come back
// as a Status whose message is a complete sentence for the user, without a "wit: " prefix:
//
//   server unreachable  Unavailable       "cannot reach the wit server at URL: <reason>"
//   401                 Unauthenticated   "not signed in or session expired: <msg>; set ..."
//   403                 PermissionDenied  "permission denied: <msg>"
//   404                 NotFound          "<msg>"
//   503                 Unavailable       "the wit server is unavailable: <msg>; try again ..."
//   400, 405, 413       InvalidArgument   "<msg>"
//   any other           Internal          "the wit server answered HTTP N: <msg>"
//   no API error body   Internal          "the server answered HTTP N ...; is --server ...?"
//
// <msg> is error.message of the server's answer.
// The session or token is sent as "Authorization: Bearer <secret>" and appears in no message.
class ApiClient {
 public:
  // Credential says what the secret sent is, for the advice of a 401.
  enum class Credential { kSession, kToken };

  // An empty `secret` sends no Authorization header.
  ApiClient(ServerAddress server, std::string secret, Credential kind = Credential::kSession);

  // NewToken is the body of POST /api/tokens; what is absent is left out.
  struct NewToken {
    std::string name;
    std::optional<std::vector<std::string>> scopes;
    std::optional<int64_t> expires_in_days;
    std::optional<std::vector<std::string>> allowed_ips;
    std::optional<std::vector<std::string>> resources;
  };

  // CreateToken is POST /api/tokens.
  StatusOr<std::string> CreateToken(const NewToken& token);
  // RotateToken is POST /api/tokens/{id}/rotate, with expiresInDays when given.
  StatusOr<std::string> RotateToken(const std::string& id, std::optional<int64_t> expires_in_days);
  // ListTokens is GET /api/tokens?status=STATUS ("active", "all", ...).
  StatusOr<std::string> ListTokens(const std::string& status);
  // RevokeToken is DELETE /api/tokens/{id}.
  StatusOr<std::string> RevokeToken(const std::string& id);
  // AdminListTokens is GET /api/admin/tokens?QUERY, `query` already encoded ("user=alice&...").
  StatusOr<std::string> AdminListTokens(const std::string& query);
  // AdminRevokeTokens is POST /api/admin/tokens/revoke with `body` (JSON).
  StatusOr<std::string> AdminRevokeTokens(const std::string& body);
  // AdminIdentifyToken is POST /api/admin/tokens/identify {"token"}.
  StatusOr<std::string> AdminIdentifyToken(const std::string& token);
  // ListScopes is GET /api/tokens/scopes.
  StatusOr<std::string> ListScopes();

 private:
  StatusOr<std::string> Send(const std::string& method, const std::string& path,
                             const std::string& body);

  ServerAddress server_;
  std::string secret_;
  Credential kind_;
};

// StatusFromHttp turns a non-2xx answer into the Status ApiClient returns for it. The error
// code follows the HTTP status only when the body is an API error {"error": {"message"}}. A
// 401 to a token says "the token was refused: <msg>; check WIT_TOKEN" instead.
Status StatusFromHttp(int http_status, const std::string& body,
                      ApiClient::Credential kind = ApiClient::Credential::kSession);

}  // namespace wit

#endif  // WIT_CLI_API_CLIENT_H_
