#include "api/http_framing.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace wit {
namespace {

bool IsToken(const std::string& name) {
  static constexpr std::string_view kTchar = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || kTchar.find(c) != std::string_view::npos;
  });
}

bool EqualsIgnoringCase(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

FramingError CheckFraming(const RequestFraming& f) {
  for (const std::string& name : f.header_names) {
    if (!IsToken(name)) return {400, "a header field's name is not a token (RFC 9110 §5.1)"};
  }
  if (f.http10 && !f.transfer_encodings.empty()) {
    return {400, "an HTTP/1.0 request may not carry Transfer-Encoding"};
  }
  const bool has_length = !f.content_lengths.empty();
  const bool has_coding = !f.transfer_encodings.empty();
  if (has_length && has_coding) {
    return {400, "a request may not carry both Content-Length and Transfer-Encoding"};
  }
  if (has_coding) {
    if (f.transfer_encodings.size() > 1 ||
        !EqualsIgnoringCase(f.transfer_encodings[0], "chunked")) {
      return {400, "Transfer-Encoding must be one \"chunked\""};
    }
    return {};
  }
  if (has_length) {
    const std::string& value = f.content_lengths[0];
    bool digits =
        !value.empty() && value.size() <= 18 &&
        std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (f.content_lengths.size() > 1 || !digits) {
      return {400, "Content-Length must be one number of digits only"};
    }
    return {};
  }
  if (f.takes_body && (f.method == "POST" || f.method == "PUT" || f.method == "PATCH")) {
    return {411, "a request with a body needs Content-Length (or chunked Transfer-Encoding)"};
  }
  return {};
}

}  // namespace wit
