#ifndef WIT_PROJECTOR_RECORD_GATE_H_
#define WIT_PROJECTOR_RECORD_GATE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

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
// The projector and wit-audit use the same gate, so that wit-audit's fold of the log agrees
// with the view. Thread-compatible: Admit and Refuses are const and pure.
class RecordGate {
 public:
  using RoleFn = std::function<StreamRole(const std::string& stream)>;

  // REQUIRES: `log` outlives the gate. `auth` holds the event key the MACs are checked with;
  // a null one admits no lifecycle record past UnsignedBefore (it fails closed).
  RecordGate(const EventLog* log, std::shared_ptr<const EventAuthenticator> auth);
  // `role_of` and `unsigned_before` say what EventLog::RoleOf and UnsignedBefore would.
  RecordGate(RoleFn role_of, LogPositions unsigned_before,
             std::shared_ptr<const EventAuthenticator> auth);

  // WithoutMacs admits lifecycle records without checking their MACs: only for wit-audit when
  // it was given no event key, which then says how many it showed unchecked.
  static RecordGate WithoutMacs(RoleFn role_of, LogPositions unsigned_before);

  // Admit decodes `record` and returns its event, or nullopt with *why set.
  std::optional<Event> Admit(const LogRecord& record, SkipReason* why) const;

  // Refuses returns why `event`, decoded from `payload` at `stream`/`offset`, is not admitted,
  // or nullopt. `mac` is called for lifecycle events only: the record's MAC header ("" none).
  std::optional<SkipReason> Refuses(const Event& event, const std::string& stream, uint64_t offset,
                                    std::string_view payload,
                                    const std::function<std::string()>& mac) const;

  bool checks_macs() const { return !skip_macs_; }

  // KeyId names the event key MACs are checked with ("none" without one).
  std::string KeyId() const { return auth_ ? auth_->KeyId() : "none"; }

  // NeedsMac tells whether a lifecycle record at `stream`/`offset` must carry a MAC: it lies
  // past UnsignedBefore.
  bool NeedsMac(const std::string& stream, uint64_t offset) const;

 private:
  RoleFn role_of_;
  std::shared_ptr<const EventAuthenticator> auth_;
  LogPositions unsigned_before_;
  bool skip_macs_ = false;
};

}  // namespace wit

#endif  // WIT_PROJECTOR_RECORD_GATE_H_
