#ifndef WIT_API_HTTP_FRAMING_H_
#define WIT_API_HTTP_FRAMING_H_

#include <string>
#include <vector>

namespace wit {

// RequestFraming is what says where a request's body ends (RFC 9112 §6): its method and every
// Content-Length and Transfer-Encoding value, as sent (a repeated header is two values).
struct RequestFraming {
  std::string method;
  // False where a body is never read, so its absence is no fault: forward auth, to which
  // proxies pass the original request's method without its body.
  bool takes_body = true;
  std::vector<std::string> content_lengths;
  std::vector<std::string> transfer_encodings;
};

// FramingError is a request refused for its framing: the status to answer (400 or 411) and
// why. The connection is closed after it, since where the body ends is not known.
struct FramingError {
  int status = 0;  // 0: the framing is sound
  std::string message;
};

// CheckFraming applies RFC 9112's rules for a body's length, strictly, so that witd and any
// proxy in front of it cannot disagree on where a request ends (request smuggling):
//  - §6.3: Content-Length and Transfer-Encoding together are refused (400);
//  - §6.1: Transfer-Encoding must be exactly one "chunked", the only coding witd takes (400);
//  - §8.6: Content-Length must be one value of digits only, no sign (400);
//  - §6.3 (7) and RFC 9110 §15.5.12: a POST, PUT or PATCH with neither is 411 Length Required,
//    at once, rather than read until the connection's idle timeout.
FramingError CheckFraming(const RequestFraming& framing);

}  // namespace wit

#endif  // WIT_API_HTTP_FRAMING_H_
