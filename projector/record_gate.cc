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
    : RecordGate([log](const std::string& stream) { return log->RoleOf(stream); },
                 log->UnsignedBefore(), std::move(auth)) {}

RecordGate::RecordGate(RoleFn role_of, LogPositions unsigned_before,
                       std::shared_ptr<const EventAuthenticator> auth)
    : role_of_(std::move(role_of)),
      auth_(std::move(auth)),
      unsigned_before_(std::move(unsigned_before)) {}

RecordGate RecordGate::WithoutMacs(RoleFn role_of, LogPositions unsigned_before) {
  RecordGate gate(std::move(role_of), std::move(unsigned_before), nullptr);
  gate.skip_macs_ = true;
  return gate;
}

std::optional<Event> RecordGate::Admit(const LogRecord& record, SkipReason* why) const {
  StatusOr<Event> event = DecodeEvent(record.payload);
  if (!event.ok()) {
    *why = SkipReason::kMalformed;
    return std::nullopt;
  }
  std::optional<SkipReason> refused =
      Refuses(*event, record.stream, record.offset, record.payload, [&] { return record.mac; });
  if (refused) {
    *why = *refused;
    return std::nullopt;
  }
  return std::move(*event);
}

bool RecordGate::NeedsMac(const std::string& stream, uint64_t offset) const {
  auto legacy = unsigned_before_.find(stream);
  return legacy == unsigned_before_.end() || offset >= legacy->second;
}

std::optional<SkipReason> RecordGate::Refuses(const Event& event, const std::string& stream,
                                              uint64_t offset, std::string_view payload,
                                              const std::function<std::string()>& mac) const {
  bool use = event.type == EventType::kUsed;
  StreamRole role = role_of_(stream);
  if ((role == StreamRole::kUsage && !use) || (role == StreamRole::kLifecycle && use)) {
    return SkipReason::kWrongStream;
  }
  if (use || skip_macs_ || !NeedsMac(stream, offset)) return std::nullopt;
  if (!auth_) return SkipReason::kUnsigned;  // no key: nothing past the mark is trusted
  switch (auth_->Check(payload, mac())) {
    case EventAuthenticator::Result::kValid: return std::nullopt;
    case EventAuthenticator::Result::kMissing: return SkipReason::kUnsigned;
    case EventAuthenticator::Result::kOtherKey: return SkipReason::kOtherKey;
    case EventAuthenticator::Result::kMalformed:
    case EventAuthenticator::Result::kBadMac: return SkipReason::kBadMac;
  }
  return SkipReason::kBadMac;
}

}  // namespace wit
