// The token parser and checksum: no crash on any text, and a token it accepts has its prefix
// and a 64-hex-digit hash. Redaction leaves no token behind and keeps the text's length
// within what it replaced.
#include <cstdint>
#include <string>
#include <string_view>

#include "token/token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string redacted(input);
  size_t n = wit::RedactTokens(&redacted);
  if (wit::RedactTokens(&redacted) != 0) __builtin_trap();
  if (redacted.size() + n * (wit::kTokenLength - wit::kRedactedLength) != input.size()) {
    __builtin_trap();
  }
  if (!wit::CheckTokenFormat(input).ok()) return 0;
  if (input.size() != wit::kTokenLength) __builtin_trap();
  if (wit::TokenPrefix(input).size() != wit::kTokenPrefixLength) __builtin_trap();
  if (wit::HashToken(input).size() != 64) __builtin_trap();
  return 0;
}
