// The MAC header a Kafka record carries (wit-mac), on anything a topic's writer could put
// there: parsing never crashes, a header that is not witd's own for the payload is never
// valid, and witd's own always is.
#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/event_auth.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const wit::EventAuthenticator auth(std::string(32, 'k'));
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // The first line is the header, the rest the payload it claims to authenticate.
  size_t nl = input.find('\n');
  std::string_view header = input.substr(0, nl);
  std::string_view payload = nl == std::string_view::npos ? "" : input.substr(nl + 1);
  (void)wit::ParseEventMac(header);
  std::string own = auth.Sign(payload);
  bool valid = auth.Check(payload, header) == wit::EventAuthenticator::Result::kValid;
  if (valid != (header == own)) __builtin_trap();
  if (auth.Check(payload, own) != wit::EventAuthenticator::Result::kValid) __builtin_trap();
  return 0;
}
