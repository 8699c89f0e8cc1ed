#include "ledger/event_auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>

namespace wit {
namespace {

constexpr std::string_view kVersion = "v1";
constexpr std::string_view kContext = "wit.event.v1\n";
constexpr char kHex[] = "0123456789abcdef";

std::string Hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // upper case is refused: one spelling per MAC
}

bool Unhex(std::string_view hex, std::string* out) {
  if (hex.size() % 2) return false;
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = HexDigit(hex[i]), lo = HexDigit(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi << 4 | lo));
  }
  return true;
}

}  // namespace

std::string EventMac::KeyIdHex() const { return Hex(key_id); }

StatusOr<EventMac> ParseEventMac(std::string_view header) {
  // "v1:" + 8 + ":" + 64
  constexpr size_t kLength = 2 + 1 + 8 + 1 + 64;
  if (header.size() != kLength || header.substr(0, 2) != kVersion || header[2] != ':' ||
      header[11] != ':') {
    return Status::InvalidArgument("event MAC header is not v1:<key id>:<mac>");
  }
  EventMac out;
  if (!Unhex(header.substr(3, 8), &out.key_id) || !Unhex(header.substr(12), &out.mac)) {
    return Status::InvalidArgument("event MAC header is not lowercase hex");
  }
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
  return std::string(kVersion) + ":" + Hex(key_id_) + ":" + Hex(Mac(payload));
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

std::string EventAuthenticator::KeyId() const { return Hex(key_id_); }

}  // namespace wit
