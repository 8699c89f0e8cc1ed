#include "token/token.h"

#include <openssl/evp.h>
#include <zlib.h>

#include <iterator>
#include <vector>

#include "base/hex.h"
#include "base/random.h"

namespace wit {
namespace {

constexpr std::string_view kTokenTag = "wit_";

bool IsBase62(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

}  // namespace

uint32_t Crc32(std::string_view data) {
  return static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
}

std::string Base62Fixed(uint64_t value, size_t width) {
  std::string out(width, '0');
  for (size_t i = width; i-- > 0;) {
    out[i] = kBase62Alphabet[value % 62];
    value /= 62;
  }
  return out;
}

std::string RandomBase62(size_t n) {
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    std::string bytes = RandomBytes(n);
    for (unsigned char b : bytes) {
      // 248 = 4 * 62: rejecting the rest keeps every character equally likely.
      if (b < 248 && out.size() < n) out.push_back(kBase62Alphabet[b % 62]);
    }
  }
  return out;
}

GeneratedToken GenerateToken() {
  GeneratedToken t;
  t.prefix = RandomBase62(kTokenPrefixLength);
  std::string body = std::string(kTokenTag) + t.prefix + "_" + RandomBase62(kTokenRandomLength);
  t.plaintext = body + Base62Fixed(Crc32(body), kTokenChecksumLength);
  t.hash = HashToken(t.plaintext);
  return t;
}

Status CheckTokenFormat(std::string_view text) {
  if (text.size() != kTokenLength || text.substr(0, kTokenTag.size()) != kTokenTag ||
      text[kTokenTag.size() + kTokenPrefixLength] != '_') {
    return Status::InvalidArgument("token does not have the wit_<prefix>_<random> layout");
  }
  for (size_t i = kTokenTag.size(); i < text.size(); ++i) {
    if (i == kTokenTag.size() + kTokenPrefixLength) continue;
    if (!IsBase62(text[i])) return Status::InvalidArgument("token has a non-base62 character");
  }
  std::string_view body = text.substr(0, kTokenLength - kTokenChecksumLength);
  if (Base62Fixed(Crc32(body), kTokenChecksumLength) != text.substr(body.size())) {
    return Status::InvalidArgument("token checksum does not match");
  }
  return Status::OK();
}

void ForEachTokenIn(std::string_view text, const std::function<void(size_t at)>& found) {
  for (size_t at = text.find(kTokenTag); at != std::string_view::npos;
       at = text.find(kTokenTag, at + 1)) {
    if (at > 0 && (IsBase62(text[at - 1]) || text[at - 1] == '_')) continue;
    if (text.size() - at < kTokenLength) break;
    size_t end = at + kTokenLength;
    if (end < text.size() && (IsBase62(text[end]) || text[end] == '_')) continue;
    if (CheckTokenFormat(text.substr(at, kTokenLength)).ok()) found(at);
  }
}

size_t RedactTokens(std::string* text) {
  // Every window with the layout and a checksum that holds, whatever is around it: a token
  // after "%2F" or glued to a word is still a token.
  std::vector<size_t> at;
  for (size_t i = text->find(kTokenTag); i != std::string::npos && text->size() - i >= kTokenLength;
       i = text->find(kTokenTag, i + 1)) {
    if (!CheckTokenFormat(std::string_view(*text).substr(i, kTokenLength)).ok()) continue;
    at.push_back(i);
    i += kTokenLength - 1;
  }
  // From the last, so that the offsets before each replacement still hold.
  constexpr std::string_view kRedacted = "[REDACTED]";
  const size_t keep = kTokenTag.size() + kTokenPrefixLength + 1;  // "wit_<prefix>_"
  for (auto it = at.rbegin(); it != at.rend(); ++it) {
    text->replace(*it + keep, kTokenLength - keep, kRedacted);
  }
  return at.size();
}

bool IsTokenPrefix(std::string_view s) {
  if (s.size() != kTokenPrefixLength) return false;
  for (char c : s) {
    if (!IsBase62(c)) return false;
  }
  return true;
}

std::string_view TokenPrefix(std::string_view token) {
  return token.substr(kTokenTag.size(), kTokenPrefixLength);
}

std::string HashToken(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

StatusOr<std::string> ReadTokenFromStream(std::istream& in) {
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return Status::InvalidArgument("no token on stdin");
  size_t end = text.find_last_not_of(" \t\r\n");
  std::string token = text.substr(begin, end - begin + 1);
  if (Status s = CheckTokenFormat(token); !s.ok()) {
    return Status::InvalidArgument("stdin does not hold a wit token: " + s.message());
  }
  return token;
}

}  // namespace wit
