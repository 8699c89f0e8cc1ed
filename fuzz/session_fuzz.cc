// The session (JWT) parser: whatever follows "Bearer ", Authenticate answers a principal or
// Unauthenticated, and only for a session signed with the key. Base64url decoding is checked
// to be the inverse of encoding.
#include <cstdint>
#include <string>

#include "api/hs256_jwt.h"
#include "api/session_authority.h"
#include "base/base64.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const wit::SessionAuthority authority(std::string(32, 'k'));
  std::string input(reinterpret_cast<const char*>(data), size);
  wit::StatusOr<wit::Principal> who = authority.Authenticate("Bearer " + input);
  if (!who.ok() && who.status().code() != wit::Status::Code::kUnauthenticated) __builtin_trap();
  // Anything accepted must carry a valid signature under the key.
  if (who.ok() && !wit::VerifyHs256Jwt(std::string(32, 'k'), input).ok()) __builtin_trap();
  wit::StatusOr<std::string> decoded = wit::Base64UrlDecode(input);
  if (decoded.ok() && wit::Base64UrlEncode(*decoded) != input) __builtin_trap();
  return 0;
}
