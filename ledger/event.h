#ifndef WIT_LEDGER_EVENT_H_
#define WIT_LEDGER_EVENT_H_

#include <optional>
#include <string>
#include <vector>

#include "base/time_util.h"

namespace wit {

enum class EventType { kCreated, kRevoked, kUsed };

// EventTypeName returns "token.created", "token.revoked" or "token.used".
const char* EventTypeName(EventType type);

// EventTypeShortName returns the name without "token.": "created", "revoked" or "used".
const char* EventTypeShortName(EventType type);

// Event is one immutable record of the ledger, as the contract lists its fields. Fields that
// belong to another type stay empty and are not encoded.
struct Event {
  static constexpr int kSchemaVersion = 1;

  EventType type = EventType::kCreated;
  std::string event_id;  // uuid
  TimeMs occurred_at = 0;
  std::string token_id;  // uuid
  std::string user_id;

  // token.created
  std::string name;
  std::string prefix;
  std::string token_hash;
  std::vector<std::string> scopes;
  std::optional<TimeMs> expires_at;
  // token.created (optional): rotation names the token replaced and the family's first token;
  // limits name the addresses (CIDRs) and resources (globs) the token may be used from and on.
  std::optional<std::string> rotated_from;
  std::optional<std::string> family_id;
  std::optional<std::vector<std::string>> allowed_ips;
  std::optional<std::vector<std::string>> resources;

  // token.revoked
  std::string revoked_by;
  // token.revoked (optional): a leak report's link to where the token was found and what kind
  // of place it is (GitHub secret scanning's url and source).
  std::optional<std::string> report_url;
  std::optional<std::string> report_source;

  // token.revoked (optional) and token.used (when denied)
  std::optional<std::string> reason;

  // token.used
  std::string outcome;  // "allowed" | "denied"
  std::optional<std::string> scope;
  std::optional<std::string> service;
  std::optional<std::string> ip;
  std::optional<std::string> user_agent;
  std::optional<std::string> action;
  std::optional<std::string> resource;
};

}  // namespace wit

#endif  // WIT_LEDGER_EVENT_H_
