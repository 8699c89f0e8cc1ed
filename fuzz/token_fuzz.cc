// The token parser and checksum: no crash on any text, and a token it accepts has its prefix
// and a 64-hex-digit hash.
#include <cstdint>
#include <string_view>

#include "token/token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (!wit::CheckTokenFormat(input).ok()) return 0;
  if (input.size() != wit::kTokenLength) __builtin_trap();
  if (wit::TokenPrefix(input).size() != wit::kTokenPrefixLength) __builtin_trap();
  if (wit::HashToken(input).size() != 64) __builtin_trap();
  return 0;
}
