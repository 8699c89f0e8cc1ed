// The JSON bodies of every route that takes one (POST /api/tokens, POST /api/tokens/verify)
// and the flat JSON parser under them: any bytes give a value or an error, never a crash.
#include <cstdint>
#include <string>

#include "api/request_parsing.h"
#include "base/flat_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  (void)wit::ParseFlatObject(body);
  // Ranges (name length, scopes, days) are the service's to check; here only the shape.
  (void)wit::ParseCreateRequest(body);
  (void)wit::ParseVerifyRequest(body);
  return 0;
}
