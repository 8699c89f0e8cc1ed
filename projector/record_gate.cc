#include "projector/record_gate.h"

#include "ledger/event_codec.h"

namespace wit {

const char* SkipReasonName(SkipReason reason) {
  switch (reason) {
    case SkipReason::kMalformed: return "malformed";
    case SkipReason::kWrongStream: return "wrong_stream";
    case SkipReason::kUnsigned: return "unsigned";
    case SkipReason::kBadMac: return "bad_mac";
    case SkipReason::kOtherKey: return "other_key";
    case SkipReason::kForeignUser: return "foreign_user";
  }
  return "malformed";
}

RecordGate::RecordGate(const EventLog* log, std::shared_ptr<const EventAuthenticator> auth)
    : log_(log), auth_(std::move(auth)), unsigned_before_(log->UnsignedBefore()) {}

std::optional<Event> RecordGate::Admit(const LogRecord& record, SkipReason* why) const {
  StatusOr<Event> event = DecodeEvent(record.payload);
  if (!event.ok()) {
    *why = SkipReason::kMalformed;
    return std::nullopt;
  }
  bool use = event->type == EventType::kUsed;
  StreamRole role = log_->RoleOf(record.stream);
  if ((role == StreamRole::kUsage && !use) || (role == StreamRole::kLifecycle && use)) {
    *why = SkipReason::kWrongStream;
    return std::nullopt;
  }
  if (use) return std::move(*event);
  auto legacy = unsigned_before_.find(record.stream);
  if (legacy != unsigned_before_.end() && record.offset < legacy->second) return std::move(*event);
  switch (auth_->Check(record.payload, record.mac)) {
    case EventAuthenticator::Result::kValid: return std::move(*event);
    case EventAuthenticator::Result::kMissing: *why = SkipReason::kUnsigned; break;
    case EventAuthenticator::Result::kOtherKey: *why = SkipReason::kOtherKey; break;
    case EventAuthenticator::Result::kMalformed:
    case EventAuthenticator::Result::kBadMac: *why = SkipReason::kBadMac; break;
  }
  return std::nullopt;
}

}  // namespace wit
