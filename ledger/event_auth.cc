#include "ledger/event_auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>

#include "base/hex.h"

namespace wit {
namespace {

constexpr std::string_view kVersion = "v1";
constexpr std::string_view kContext = "wit.event.v1\n";

}  // namespace

std::string EventMac::KeyIdHex() const { return HexEncode(key_id); }

StatusOr<EventMac> ParseEventMac(std::string_view header) {
  // "v1:" + 8 + ":" + 64
  constexpr size_t kLength = 2 + 1 + 8 + 1 + 64;
  if (header.size() != kLength || header.substr(0, 2) != kVersion || header[2] != ':' ||
      header[11] != ':') {
    return Status::InvalidArgument("event MAC header is not v1:<key id>:<mac>");
  }
  std::optional<std::string> key_id = HexDecode(header.substr(3, 8));
  std::optional<std::string> mac = HexDecode(header.substr(12));
  if (!key_id || !mac) return Status::InvalidArgument("event MAC header is not lowercase hex");
  EventMac out;
  out.key_id = std::move(*key_id);
  out.mac = std::move(*mac);
  return out;
}

EventAuthenticator::EventAuthenticator(std::string key) : key_(std::move(key)) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // Without a digest there is no safe way on: every MAC would compare equal to nothing.
  if (key_.size() < 32 ||
      EVP_Digest(key_.data(), key_.size(), digest, &len, EVP_sha256(), nullptr) != 1 || len < 4) {
    std::abort();
  }
  key_id_.assign(reinterpret_cast<const char*>(digest), 4);
}

std::string EventAuthenticator::Mac(std::string_view payload) const {
  std::string message;
  message.reserve(kContext.size() + payload.size());
  message.append(kContext).append(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac,
           &len) == nullptr ||
      len != 32) {
    return std::string();  // Check treats an empty MAC as a mismatch, never as a match
  }
  return std::string(reinterpret_cast<const char*>(mac), len);
}

std::string EventAuthenticator::Sign(std::string_view payload) const {
  return std::string(kVersion) + ":" + HexEncode(key_id_) + ":" + HexEncode(Mac(payload));
}

EventAuthenticator::Result EventAuthenticator::Check(std::string_view payload,
                                                     std::string_view header) const {
  if (header.empty()) return Result::kMissing;
  StatusOr<EventMac> parsed = ParseEventMac(header);
  if (!parsed.ok()) return Result::kMalformed;
  if (parsed->key_id != key_id_) return Result::kOtherKey;
  std::string expected = Mac(payload);
  if (expected.size() != 32 || parsed->mac.size() != 32) return Result::kBadMac;
  return CRYPTO_memcmp(expected.data(), parsed->mac.data(), 32) == 0 ? Result::kValid
                                                                     : Result::kBadMac;
}

std::string EventAuthenticator::KeyId() const { return HexEncode(key_id_); }

}  // namespace wit
