// The JSON bodies of every route that takes one (POST /api/tokens, /verify, /{id}/rotate), the
// list's expiringWithin and the flat JSON parser under them: any bytes give a value or an
// error, never a crash. (The admin bodies are flat objects read member by member.)
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
  (void)wit::ParseRotateRequest(body);
  wit::StatusOr<int64_t> within = wit::ParseExpiringWithin(body);
  if (within.ok() && *within <= 0) __builtin_trap();
  return 0;
}
