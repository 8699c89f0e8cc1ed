#ifndef WIT_NET_HTTP_CLIENT_H_
#define WIT_NET_HTTP_CLIENT_H_

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "net/server_address.h"

namespace wit {

// HttpAnswer is a server's answer: its HTTP status and body, whatever they are.
struct HttpAnswer {
  int status = 0;
  std::string body;
};

// HttpExchange sends one request to `server` (`path` goes after its base path and holds the
// query) on a connection of its own, with a `timeout` (30 s) on connecting and on each read; https
// checks the certificate chain and host name (TLS 1.2+). Any answer is returned; Unavailable, with
// a sentence naming the server's URL, when there is none (refused, unknown host, timeout, TLS
// failure). The headers' values appear in no message.
//
//   StatusOr<HttpAnswer> a = HttpExchange(server, "GET", "/api/log/checkpoints", "", {});
StatusOr<HttpAnswer> HttpExchange(const ServerAddress& server, const std::string& method,
                                  const std::string& path, const std::string& body,
                                  const std::vector<std::pair<std::string, std::string>>& headers,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(30));

// ApiErrorMessage returns error.message of a wit API error body ({"error":{"message":...}}),
// or nothing if the body is not one.
std::optional<std::string> ApiErrorMessage(const std::string& body);

}  // namespace wit

#endif  // WIT_NET_HTTP_CLIENT_H_
