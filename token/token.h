#ifndef WIT_TOKEN_TOKEN_H_
#define WIT_TOKEN_TOKEN_H_

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <string_view>

#include "base/status.h"

namespace wit {

// A personal access token: "wit_<prefix>_<random><checksum>", where prefix is 8 base62
// characters, random 32 base62 characters from a CSPRNG and checksum 6 base62 characters of
// CRC32 over everything before it. Only the hash of the whole string is ever stored.
constexpr size_t kTokenPrefixLength = 8;
constexpr size_t kTokenRandomLength = 32;
constexpr size_t kTokenChecksumLength = 6;
constexpr size_t kTokenLength =
    4 + kTokenPrefixLength + 1 + kTokenRandomLength + kTokenChecksumLength;

// kMaxExpiresInDays is the longest lifetime a token can be given: ten years, as the API's
// expiresInDays and wit's --expires allow.
constexpr int64_t kMaxExpiresInDays = 3650;

struct GeneratedToken {
  std::string plaintext;  // shown to the user once, never stored
  std::string prefix;
  std::string hash;  // lowercase hex SHA-256 of plaintext
};

// GenerateToken draws a fresh token from OpenSSL's CSPRNG.
GeneratedToken GenerateToken();

// kBase62Alphabet holds the 62 digits of base62, in value order.
// kRedactedLength is the length of a token once redacted: "wit_<prefix>_[REDACTED]".
inline constexpr size_t kRedactedLength = 4 + kTokenPrefixLength + 1 + 10;

inline constexpr char kBase62Alphabet[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// RandomBase62 returns `n` base62 characters drawn uniformly from the CSPRNG.
std::string RandomBase62(size_t n);

// CheckTokenFormat returns OK if `text` has the token layout and a correct checksum, and
// InvalidArgument (a "malformed" token) otherwise. It needs no storage: a scanner can use it
// to tell a real token from noise.
Status CheckTokenFormat(std::string_view text);

// ForEachTokenIn calls `found` with the offset of every string in `text` that has the token
// layout and a checksum that holds (CheckTokenFormat), bounded so that it is no part of a
// longer word: "xwit_..." or a token followed by more base62 is no token.
void ForEachTokenIn(std::string_view text, const std::function<void(size_t at)>& found);

// RedactTokens replaces every string in *text that has the token layout and a checksum that
// holds by "wit_<prefix>_[REDACTED]", wherever it stands (unlike ForEachTokenIn, glued to a
// word or after "%2F" too), so that a token a careless client put in a user agent or a path
// never reaches an event, a log line or a metric; returns how many it replaced.
size_t RedactTokens(std::string* text);

// ReadTokenFromStream reads one plaintext token from `in` (stdin: an argument would stay in the
// shell's history and every process listing), whitespace around it ignored. InvalidArgument
// when there is none or it is not a wit token; the message never holds what was read.
StatusOr<std::string> ReadTokenFromStream(std::istream& in);

// IsTokenPrefix reports whether `s` could be a token's prefix: 8 base62 characters.
bool IsTokenPrefix(std::string_view s);

// TokenPrefix returns the 8-character prefix of a well-formed token.
std::string_view TokenPrefix(std::string_view token);

// HashToken returns the lowercase hex SHA-256 of `text` (OpenSSL EVP).
std::string HashToken(std::string_view text);

// Crc32 is the IEEE 802.3 CRC-32, zlib's crc32().
uint32_t Crc32(std::string_view data);

// Base62Fixed renders `value` as exactly `width` base62 digits, most significant first.
std::string Base62Fixed(uint64_t value, size_t width);

}  // namespace wit

#endif  // WIT_TOKEN_TOKEN_H_
