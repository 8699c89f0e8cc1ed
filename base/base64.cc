#include "base/base64.h"

#include <cstdint>

namespace wit {
namespace {

constexpr char kStandard[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Sextet is the value of `c` in `alphabet`, or -1.
int Sextet(char c, const char* alphabet) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == alphabet[62]) return 62;
  if (c == alphabet[63]) return 63;
  return -1;
}

std::string Encode(std::string_view bytes, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += alphabet[(acc >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += alphabet[(acc << (6 - bits)) & 0x3f];
  while (pad && out.size() % 4 != 0) out += '=';
  return out;
}

StatusOr<std::string> Decode(std::string_view text, const char* alphabet, const char* name) {
  if (text.size() % 4 == 1) {
    return Status::InvalidArgument(std::string(name) + " text has an impossible length");
  }
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = Sextet(c, alphabet);
    if (v < 0) {
      return Status::InvalidArgument(std::string(name) +
                                     " text holds a character outside its alphabet");
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // Leftover bits must be zero, so every text decodes from exactly one encoding.
  if ((acc & ((1u << bits) - 1)) != 0) {
    return Status::InvalidArgument(std::string(name) + " text is not canonical");
  }
  return out;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) { return Encode(bytes, kStandard, true); }

StatusOr<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return Status::InvalidArgument("base64 text is not padded to 4");
  size_t pads = 0;
  while (pads < 2 && pads < text.size() && text[text.size() - 1 - pads] == '=') ++pads;
  return Decode(text.substr(0, text.size() - pads), kStandard, "base64");
}

std::string Base64UrlEncode(std::string_view bytes) { return Encode(bytes, kUrl, false); }

StatusOr<std::string> Base64UrlDecode(std::string_view text) {
  return Decode(text, kUrl, "base64url");
}

}  // namespace wit
