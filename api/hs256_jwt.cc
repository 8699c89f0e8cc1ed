#include "api/hs256_jwt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/flat_json.h"

namespace wit {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";

int Sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return std::string(reinterpret_cast<const char*>(mac), len);
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 0x3f];
  return out;
}

StatusOr<std::string> Base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1)
    return Status::InvalidArgument("base64url text has an impossible length");
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = Sextet(c);
    if (v < 0)
      return Status::InvalidArgument("base64url text holds a character outside its alphabet");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // Leftover bits must be zero, so every text decodes from exactly one encoding.
  if ((acc & ((1u << bits) - 1)) != 0)
    return Status::InvalidArgument("base64url text is not canonical");
  return out;
}

std::string SignHs256Jwt(std::string_view key, std::string_view payload_json) {
  std::string signing_input = Base64UrlEncode(kHeader) + "." + Base64UrlEncode(payload_json);
  return signing_input + "." + Base64UrlEncode(Hmac(key, signing_input));
}

StatusOr<std::string> VerifyHs256Jwt(std::string_view key, std::string_view jwt) {
  size_t dot1 = jwt.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : jwt.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || jwt.find('.', dot2 + 1) != std::string_view::npos) {
    return Status::Unauthenticated("session token is not three dot-separated parts");
  }
  StatusOr<std::string> header = Base64UrlDecode(jwt.substr(0, dot1));
  StatusOr<std::string> payload = Base64UrlDecode(jwt.substr(dot1 + 1, dot2 - dot1 - 1));
  StatusOr<std::string> signature = Base64UrlDecode(jwt.substr(dot2 + 1));
  if (!header.ok() || !payload.ok() || !signature.ok()) {
    return Status::Unauthenticated("session token is not base64url");
  }
  StatusOr<FlatObject> h = ParseFlatObject(*header);
  const FlatValue* alg = h.ok() ? h->Find("alg") : nullptr;
  if (!alg || alg->type != FlatValue::Type::kString || alg->string != "HS256") {
    return Status::Unauthenticated("session token must be signed with HS256");
  }
  std::string expected = Hmac(key, jwt.substr(0, dot2));
  if (signature->size() != expected.size() ||
      CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0) {
    return Status::Unauthenticated("session token signature is wrong");
  }
  return std::move(*payload);
}

}  // namespace wit
