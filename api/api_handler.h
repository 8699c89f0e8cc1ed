#ifndef WIT_API_API_HANDLER_H_
#define WIT_API_API_HANDLER_H_

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <functional>
#include <istream>
#include <string>
#include <utility>
#include <vector>

#include "api/api_request.h"
#include "api/checkpointer.h"
#include "api/forward_auth.h"
#include "api/metrics.h"
#include "api/secret_scanning.h"
#include "api/session_authority.h"
#include "api/token_service.h"

namespace wit {

// ApiContext is what every request handler shares. Everything it points to outlives the
// HTTP server.
struct ApiContext {
  TokenService* service = nullptr;
  const SessionAuthority* sessions = nullptr;
  Metrics* metrics = nullptr;
  // OK once the view has caught up with the log and is fresh (view_freshness.h); else
  // Unavailable saying why.
  std::function<Status()> ready;
  const Checkpointer* checkpoints = nullptr;        // the streams' signed checkpoints
  const TokenView* view = nullptr;                  // the streams' tree nodes, for proofs
  const AuthRules* auth_rules = nullptr;            // forward auth's rules; null: the built-in only
  const GitHubScanningKeys* github_keys = nullptr;  // secret scanning alerts; null: none taken
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

  // AbortConnections ends every connection the server runs, as HTTPServer::stopAll(true)
  // does: their sockets are shut down, so requests still reading fail at once.
  void AbortConnections() {
    bool abort_current = true;
    serverStopped(this, abort_current);
  }

 private:
  ApiRoutes routes_;
};

}  // namespace wit

#endif  // WIT_API_API_HANDLER_H_
