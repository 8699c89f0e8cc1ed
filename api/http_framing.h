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
  bool http10 = false;  // the request line says HTTP/1.0
  std::vector<std::string> content_lengths;
  std::vector<std::string> transfer_encodings;
  std::vector<std::string> header_names;  // every field's name, as parsed
};

// FramingError is a request refused for its framing: the status to answer (400 or 411) and
// why. The connection is closed after it, since where the body ends is not known.
struct FramingError {
  int status = 0;  // 0: the framing is sound
  std::string message;
};

// CheckFraming applies RFC 9112's rules for a body's length, strictly, so that witd and any
// proxy in front of it cannot disagree on where a request ends (request smuggling):
//  - RFC 9112 §5.1: a field name must be a token; "Transfer-Encoding : chunked" (a space
//    before the colon) is refused (400), not taken for some other field;
//  - RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 request is refused (400);
//  - RFC 9112 §6.3 (3): Content-Length and Transfer-Encoding together are refused (400);
//  - RFC 9112 §6.1: Transfer-Encoding must be exactly one "chunked", the only coding witd
//    takes (400; the RFC's 501 would invite a retry that cannot succeed);
//  - RFC 9110 §8.6: Content-Length must be one value of digits only, no sign (400);
//  - RFC 9110 §15.5.12: a POST, PUT or PATCH with neither is 411 Length Required, at once.
//    RFC 9112 §6.3 (7) would read it as an empty body; witd's bodies are never empty, and Poco
//    read such a request until the idle timeout, taking what followed for its body.
FramingError CheckFraming(const RequestFraming& framing);

}  // namespace wit

#endif  // WIT_API_HTTP_FRAMING_H_
