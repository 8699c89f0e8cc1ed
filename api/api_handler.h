#ifndef WIT_API_API_HANDLER_H_
#define WIT_API_API_HANDLER_H_

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <functional>
#include <string>

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
  std::function<bool()> ready;  // true once the view has caught up with the log
};

// kMaxBodyBytes: a larger request body is refused with 413.
constexpr size_t kMaxBodyBytes = 64 * 1024;

// ApiHandlerFactory routes every request to one ApiHandler, which serves the contract's
// routes. Poco exceptions stop at handleRequest: a client never sees a 500 for what it sent.
class ApiHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit ApiHandlerFactory(ApiContext context) : context_(std::move(context)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override;

 private:
  ApiContext context_;
};

}  // namespace wit

#endif  // WIT_API_API_HANDLER_H_
