#include "projector/record_gate.h"

#include <gtest/gtest.h>

#include "base/random.h"
#include "ledger/event_codec.h"

namespace wit {
namespace {

// RolesOnlyLog is a test seam: an EventLog that only answers RoleOf and UnsignedBefore, the
// two things a RecordGate asks, in Kafka's shape (streams of a lifecycle and a usage topic).
class RolesOnlyLog : public EventLog {
 public:
  StatusOr<LogPosition> Append(const Event&) override { return Status::Internal("unused"); }
  Status AppendBatch(const std::vector<Event>&, std::vector<bool>*) override {
    return Status::Internal("unused");
  }
  StatusOr<std::unique_ptr<LogReader>> OpenReader(const LogPositions&) override {
    return Status::Internal("unused");
  }
  StatusOr<LogPositions> EndPositions() override { return Status::Internal("unused"); }
  StreamRole RoleOf(const std::string& stream) const override {
    return stream.rfind("lifecycle/", 0) == 0 ? StreamRole::kLifecycle : StreamRole::kUsage;
  }
  LogPositions UnsignedBefore() const override { return {{"lifecycle/0", 2}}; }
};

Event Make(EventType type, const std::string& user = "alice") {
  Event e;
  e.type = type;
  e.event_id = NewUuid();
  e.token_id = NewUuid();
  e.user_id = user;
  e.occurred_at = 1000;
  if (type == EventType::kCreated) {
    e.name = "n";
    e.prefix = "abcdEFGH";
    e.token_hash = std::string(64, 'a');
    e.scopes = {"repo:admin"};
  } else if (type == EventType::kRevoked) {
    e.revoked_by = user;
  } else {
    e.outcome = "allowed";
  }
  return e;
}

class RecordGateTest : public ::testing::Test {
 protected:
  // Admit returns the reason `record` is skipped, or "admitted".
  std::string Admit(const std::string& stream, uint64_t offset, const std::string& payload,
                    const std::string& mac) {
    SkipReason why = SkipReason::kMalformed;
    auto event = gate_.Admit({stream, offset, payload, mac}, &why);
    return event ? "admitted" : SkipReasonName(why);
  }

  std::shared_ptr<const EventAuthenticator> auth_ =
      std::make_shared<const EventAuthenticator>(std::string(32, 'k'));
  RolesOnlyLog log_;
  RecordGate gate_{&log_, auth_};
};

TEST_F(RecordGateTest, TheUsageStreamYieldsUsesOnly) {
  std::string created = EncodeEvent(Make(EventType::kCreated));
  std::string revoked = EncodeEvent(Make(EventType::kRevoked));
  std::string used = EncodeEvent(Make(EventType::kUsed));
  // Even with a valid MAC: witd never writes lifecycle events to the usage topic.
  EXPECT_EQ(Admit("usage/0", 5, created, auth_->Sign(created)), "wrong_stream");
  EXPECT_EQ(Admit("usage/0", 5, revoked, ""), "wrong_stream");
  EXPECT_EQ(Admit("usage/1", 0, used, ""), "admitted");
  EXPECT_EQ(Admit("lifecycle/0", 9, used, auth_->Sign(used)), "wrong_stream");
  EXPECT_EQ(Admit("usage/0", 6, "{oops", ""), "malformed");
}

TEST_F(RecordGateTest, LifecycleEventsNeedAValidMacPastTheUnsignedMark) {
  std::string created = EncodeEvent(Make(EventType::kCreated));
  EXPECT_EQ(Admit("lifecycle/0", 0, created, ""), "admitted");  // below the mark (2)
  EXPECT_EQ(Admit("lifecycle/0", 1, created, "junk"), "admitted");
  EXPECT_EQ(Admit("lifecycle/0", 2, created, ""), "unsigned");
  EXPECT_EQ(Admit("lifecycle/1", 0, created, ""), "unsigned");  // no mark on partition 1
  EXPECT_EQ(Admit("lifecycle/1", 0, created, auth_->Sign(created)), "admitted");
  EXPECT_EQ(Admit("lifecycle/1", 0, created, auth_->Sign(created + " ")), "bad_mac");
  EXPECT_EQ(Admit("lifecycle/1", 0, created, "v1:00"), "bad_mac");
  EventAuthenticator other(std::string(32, 'x'));
  EXPECT_EQ(Admit("lifecycle/1", 0, created, other.Sign(created)), "other_key");
}

TEST_F(RecordGateTest, WithoutAKeyNothingPastTheMarkIsTrustedUnlessAskedForByName) {
  std::string created = EncodeEvent(Make(EventType::kCreated));
  RecordGate keyless(&log_, nullptr);  // fails closed
  SkipReason why = SkipReason::kMalformed;
  EXPECT_FALSE(keyless.Admit({"lifecycle/1", 0, created, auth_->Sign(created)}, &why));
  EXPECT_EQ(why, SkipReason::kUnsigned);
  EXPECT_TRUE(keyless.Admit({"lifecycle/0", 0, created, ""}, &why));  // below the mark
  RecordGate audit = RecordGate::WithoutMacs(
      [this](const std::string& s) { return log_.RoleOf(s); }, log_.UnsignedBefore());
  EXPECT_FALSE(audit.checks_macs());
  EXPECT_TRUE(audit.Admit({"lifecycle/1", 0, created, ""}, &why));
  EXPECT_FALSE(audit.Admit({"usage/1", 0, created, ""}, &why));  // roles still hold
}

}  // namespace
}  // namespace wit
