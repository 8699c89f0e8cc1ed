#ifndef WIT_API_API_HANDLER_H_
#define WIT_API_API_HANDLER_H_

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <functional>
#include <istream>
#include <string>
#include <utility>
#include <vector>

#include "api/checkpointer.h"
#include "api/metrics.h"
#include "api/session_authority.h"
#include "api/token_service.h"

namespace wit {

// ApiContext is what every request handler shares. Everything it points to outlives the
// HTTP server.
struct ApiContext {
  TokenService* service = nullptr;
  const SessionAuthority* sessions = nullptr;
  Metrics* metrics = nullptr;
  std::function<bool()> ready;                // true once the view has caught up with the log
  const Checkpointer* checkpoints = nullptr;  // the streams' signed checkpoints
  const TokenView* view = nullptr;            // the streams' tree nodes, for proofs
};

// kMaxBodyBytes: a larger request body is refused with 413.
constexpr size_t kMaxBodyBytes = 64 * 1024;

// ApiRequest is what the routes read of one HTTP request.
struct ApiRequest {
  std::string method;
  std::string uri;            // as sent: the path and the query
  std::string authorization;  // the Authorization header's value, "" when absent
  std::string client_host;    // the peer's address, for wit_verify_failures_total
  // The body, read only by the routes that take one. May be null: no body. REQUIRES: it
  // outlives Serve.
  std::istream* body = nullptr;
  bool has_body = false;  // the request says it has a body (a length above 0, or chunks)
};

// ApiReply is the answer to one request.
struct ApiReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers{};  // Retry-After, Allow
  // Close the connection after answering: the body was not read (it would be taken for the
  // next request), or was too large to drain.
  bool close = false;
};

// ApiRoutes serves the contract's routes (CONTRACT.md) on requests taken apart from HTTP:
// ApiHandlerFactory's handlers call it for Poco, and tests call it directly. It counts every
// request in wit_http_requests_total. Exceptions stop here: a client never sees a 500 for what
// it sent. Thread-safe.
class ApiRoutes {
 public:
  // REQUIRES: what `context` points to outlives the routes.
  explicit ApiRoutes(ApiContext context) : ctx_(std::move(context)) {}

  ApiReply Serve(ApiRequest& request) const;

 private:
  ApiContext ctx_;
};

// ApiHandlerFactory gives every request a handler that serves it through ApiRoutes.
class ApiHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit ApiHandlerFactory(ApiContext context) : routes_(std::move(context)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override;

 private:
  ApiRoutes routes_;
};

}  // namespace wit

#endif  // WIT_API_API_HANDLER_H_
