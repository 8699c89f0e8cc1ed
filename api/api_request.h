#ifndef WIT_API_API_REQUEST_H_
#define WIT_API_API_REQUEST_H_

#include <functional>
#include <istream>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace wit {

// kMaxBodyBytes: a larger request body is refused with 413.
constexpr size_t kMaxBodyBytes = 64 * 1024;

// ApiRequest is what the routes read of one HTTP request.
struct ApiRequest {
  std::string method;
  std::string uri;            // as sent: the path and the query
  std::string authorization;  // the Authorization header's value, "" when absent
  std::string user_agent;     // the User-Agent header's value, "" when absent
  std::string content_type;   // the Content-Type header's value, "" when absent
  // header returns any other request header's value by name (any case), "" when absent. May
  // be empty: the request has no other headers.
  std::function<std::string(const std::string&)> header;
  std::string client_host;  // the peer's address, for wit_verify_failures_total
  // The body, read only by the routes that take one. May be null: no body. REQUIRES: it
  // outlives Serve.
  std::istream* body = nullptr;
  bool has_body = false;  // the request says it has a body (a length above 0, or chunks)
  // Set when the request's framing was refused (http_framing.h): it is answered with this
  // status and message, and the connection closed, before anything else is looked at.
  int framing_status = 0;
  std::string framing_message;
  // hand_over, when set, lets a route whose answer waits on the event log (a sync-audited
  // verify) answer after Serve returned, from another thread. Called on the serving thread, at
  // most once, it returns the function that sends the reply (call it exactly once; it does not
  // block), or an empty one when this request's reply cannot be handed over; the route then
  // returns a reply marked `deferred`.
  std::function<std::function<void(const struct ApiReply&)>()> hand_over;
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
  // Sent later by the function ApiRequest::hand_over returned: this reply is only a marker.
  bool deferred = false;
};

// ErrorReply is the API's error object {"error": {"code", "message"}} with `status`.
ApiReply ErrorReply(int status, const std::string& message);

// StatusReply answers an error Status with its HTTP status. An internal error's message stays
// in witd: it may name files or libraries, and says nothing a client can act on.
ApiReply StatusReply(const Status& s);

}  // namespace wit

#endif  // WIT_API_API_REQUEST_H_
