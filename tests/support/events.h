// Events for unit tests, built as witd builds them: a real token's prefix and hash, fresh ids.
#ifndef WIT_TESTS_SUPPORT_EVENTS_H_
#define WIT_TESTS_SUPPORT_EVENTS_H_

#include <string>

#include "base/random.h"
#include "base/time_util.h"
#include "ledger/event.h"
#include "token/token.h"

namespace wit::testing {

// CreatedEvent is `user` creating a repo:read token named `name` at `at`.
inline Event CreatedEvent(const std::string& user, const std::string& name, TimeMs at) {
  GeneratedToken g = GenerateToken();
  Event e;
  e.type = EventType::kCreated;
  e.event_id = NewUuid();
  e.token_id = NewUuid();
  e.user_id = user;
  e.occurred_at = at;
  e.name = name;
  e.prefix = g.prefix;
  e.token_hash = g.hash;
  e.scopes = {"repo:read"};
  return e;
}

// UsedEvent is service `service` using `created`'s token at `at`, allowed.
inline Event UsedEvent(Event created, TimeMs at, const std::string& service = "git") {
  created.type = EventType::kUsed;
  created.event_id = NewUuid();
  created.outcome = "allowed";
  created.service = service;
  created.occurred_at = at;
  return created;
}

// RevokedEvent is `created`'s owner revoking it at `at`.
inline Event RevokedEvent(Event created, TimeMs at) {
  created.type = EventType::kRevoked;
  created.event_id = NewUuid();
  created.revoked_by = created.user_id;
  created.occurred_at = at;
  return created;
}

}  // namespace wit::testing

#endif  // WIT_TESTS_SUPPORT_EVENTS_H_
