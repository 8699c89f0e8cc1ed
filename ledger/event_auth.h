#ifndef WIT_LEDGER_EVENT_AUTH_H_
#define WIT_LEDGER_EVENT_AUTH_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace wit {

// The Kafka record header (and the embedded log's column) that carries a record's MAC.
inline constexpr const char* kEventMacHeader = "wit-mac";

// EventMac is a parsed MAC header value: "v1:<key id>:<mac>", the key id 8 lowercase hex
// digits (the first 4 bytes of SHA-256(key)), the MAC 64 lowercase hex digits of
// HMAC-SHA256(key, "wit.event.v1\n" || payload). Both fields hold the decoded bytes.
struct EventMac {
  std::string key_id;  // 4 bytes
  std::string mac;     // 32 bytes

  // KeyIdHex returns key_id as the 8 hex digits the header spells it with.
  std::string KeyIdHex() const;
};

// ParseEventMac reads a header value. Anything but the exact form above is InvalidArgument;
// the message never repeats the value. Never throws.
StatusOr<EventMac> ParseEventMac(std::string_view header);

// EventAuthenticator makes and checks the MACs that authenticate witd's lifecycle events
// (token.created, token.revoked), keyed by the event key every node of one cluster shares
// (`witd serve --event-key-file`, default <data-dir>/event.key). The MAC travels beside the
// payload, so the payload stays the event exactly as its schema describes it. Thread-safe.
//
//   EventAuthenticator auth(key);
//   std::string header = auth.Sign(payload);
//   if (auth.Check(payload, header) == EventAuthenticator::Result::kValid) ...
class EventAuthenticator {
 public:
  // REQUIRES: `key` is at least 32 bytes (LoadOrCreateSecret guarantees it); aborts otherwise.
  explicit EventAuthenticator(std::string key);

  // Sign returns the header value for `payload`.
  std::string Sign(std::string_view payload) const;

  enum class Result {
    kValid,
    kMissing,    // no header at all
    kMalformed,  // a header that is not "v1:<8 hex>:<64 hex>"
    kOtherKey,   // well formed, made with another key (a node with the wrong event key)
    kBadMac,     // this key's id, but the MAC does not match the payload
  };

  // Check tells whether `header` (empty: the record had none) authenticates `payload`. The
  // MAC is compared in constant time.
  Result Check(std::string_view payload, std::string_view header) const;

  // KeyId returns the 8 hex digits that name this key in headers and messages.
  std::string KeyId() const;

 private:
  std::string Mac(std::string_view payload) const;

  std::string key_;
  std::string key_id_;  // 4 bytes
};

}  // namespace wit

#endif  // WIT_LEDGER_EVENT_AUTH_H_
