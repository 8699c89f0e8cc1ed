#include "api/hs256_jwt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/base64.h"
#include "base/flat_json.h"

namespace wit {
namespace {

constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return std::string(reinterpret_cast<const char*>(mac), len);
}

}  // namespace

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
