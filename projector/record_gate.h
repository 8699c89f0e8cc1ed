#ifndef WIT_PROJECTOR_RECORD_GATE_H_
#define WIT_PROJECTOR_RECORD_GATE_H_

#include <memory>
#include <optional>

#include "ledger/event.h"
#include "ledger/event_auth.h"
#include "ledger/event_log.h"

namespace wit {

// Why the projector skipped a record. Each is counted in wit_events_skipped_total{reason}.
enum class SkipReason {
  kMalformed,    // "malformed": not a valid event (bad JSON, breaks its schema)
  kWrongStream,  // "wrong_stream": a type its stream may not carry (token.created on usage)
  kUnsigned,     // "unsigned": a lifecycle event without a MAC, past UnsignedBefore
  kBadMac,       // "bad_mac": a MAC that does not match the record
  kOtherKey,     // "other_key": a MAC made with another event key (a misconfigured node?)
  kForeignUser,  // "foreign_user": names another user than the token's (TokenView::Apply)
};
inline constexpr int kSkipReasonCount = 6;

// SkipReasonName returns the reason's label value, as listed above.
const char* SkipReasonName(SkipReason reason);

// RecordGate decides which records of the log reach the fold. A record's bytes come from
// whoever could write its stream, so the gate trusts nothing in them:
//  - a usage stream (Kafka's usage topic, which services may publish to) yields token.used
//    and nothing else; a lifecycle stream yields token.created and token.revoked only;
//  - a token.created or token.revoked counts only with a valid MAC under the event key, or
//    when it lies below the log's UnsignedBefore for its stream (written before signing).
// Thread-compatible: Admit is const and pure.
class RecordGate {
 public:
  // REQUIRES: `log` outlives the gate. `auth` holds the event key the MACs are checked with.
  RecordGate(const EventLog* log, std::shared_ptr<const EventAuthenticator> auth);

  // Admit decodes `record` and returns its event, or nullopt with *why set.
  std::optional<Event> Admit(const LogRecord& record, SkipReason* why) const;

 private:
  const EventLog* log_;
  std::shared_ptr<const EventAuthenticator> auth_;
  LogPositions unsigned_before_;
};

}  // namespace wit

#endif  // WIT_PROJECTOR_RECORD_GATE_H_
