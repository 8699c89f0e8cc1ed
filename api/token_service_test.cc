#include "api/token_service.h"

#include <gtest/gtest.h>

#include "api/ledger_fixture_for_test.h"
#include "base/random.h"
#include "ledger/event_codec.h"
#include "token/token.h"

namespace wit {
namespace {

using TokenServiceTest = LedgerFixture;

TEST_F(TokenServiceTest, CreateIsVisibleAtOnce) {
  auto c = service_->Create("alice", {"ci", std::nullopt, 30});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->token.scopes, (std::vector<std::string>{"repo:read", "repo:write"}));
  EXPECT_EQ(*c->token.expires_at - c->token.created_at, 30 * kMsPerDay);
  auto got = service_->Get("alice", c->token.id);  // no waiting: read-your-writes
  ASSERT_TRUE(got.ok());
  auto v = service_->Verify("git", {c->plaintext, "repo:read", {}, {}, {}, {}, {}, false});
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->active);
}

TEST_F(TokenServiceTest, ValidatesInput) {
  EXPECT_FALSE(service_->Create("alice", {"", std::nullopt, std::nullopt}).ok());
  EXPECT_FALSE(service_->Create("alice", {std::string(101, 'x'), std::nullopt, {}}).ok());
  EXPECT_TRUE(service_->Create("alice", {std::string(100, 'x'), std::nullopt, {}}).ok());
  // 100 characters of two bytes each is still 100 characters.
  std::string umlauts;
  for (int i = 0; i < 100; ++i) umlauts += "\xc3\xa4";
  EXPECT_TRUE(service_->Create("alice", {umlauts, std::nullopt, {}}).ok());
  EXPECT_FALSE(service_->Create("alice", {"\xc3", std::nullopt, {}}).ok());
  EXPECT_FALSE(service_->Create("alice", {"ok", std::vector<std::string>{"nope"}, {}}).ok());
  EXPECT_FALSE(service_->Create("alice", {"ok", std::nullopt, 0}).ok());
  EXPECT_FALSE(service_->Create("alice", {"ok", std::nullopt, 3651}).ok());
  EXPECT_EQ(*log_->EndPositions(), (LogPositions{{"log", 2}}));  // only the two valid ones
}

TEST_F(TokenServiceTest, RevokeIsIdempotentAndPrivate) {
  auto c = service_->Create("alice", {"ci", std::nullopt, std::nullopt});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(service_->Revoke("bob", c->token.id).status().code(), Status::Code::kNotFound);
  auto r1 = service_->Revoke("alice", c->token.id);
  ASSERT_TRUE(r1.ok());
  auto end = log_->EndPositions()->at("log");
  auto r2 = service_->Revoke("alice", c->token.id);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r1->revoked_at, r2->revoked_at);
  EXPECT_EQ(log_->EndPositions()->at("log"), end) << "no second revoked event";
  auto v = service_->Verify("git", {c->plaintext, std::nullopt, {}, {}, {}, {}, {}, false});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->reason, "revoked");
  EXPECT_EQ(service_->Get("alice", "not-a-uuid").status().code(), Status::Code::kNotFound);
}

TEST_F(TokenServiceTest, ATokensEventsAreNeverDatedBeforeItsCreation) {
  // A token created by a node whose clock runs 2 minutes ahead of this one's.
  GeneratedToken generated = GenerateToken();
  Event created;
  created.type = EventType::kCreated;
  created.event_id = NewUuid();
  created.occurred_at = NowMs() + TimeMs{120'000};  // 2 minutes
  created.token_id = NewTimeOrderedUuid(created.occurred_at);
  created.user_id = "alice";
  created.name = "made-ahead";
  created.prefix = generated.prefix;
  created.token_hash = generated.hash;
  created.scopes = {"repo:read"};
  StatusOr<LogPosition> at = log_->Append(created);
  ASSERT_TRUE(at.ok());
  ASSERT_TRUE(view_->WaitApplied(*at, std::chrono::seconds(10)));

  // Its use and its revocation here are dated no earlier than its creation: the audit trail
  // of one token reads in order whatever the nodes' clocks.
  auto v = service_->Verify("git", {generated.plaintext, std::nullopt, {}, {}, {}, {}, {}, true});
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->active);
  auto r = service_->Revoke("alice", created.token_id);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->revoked_at);
  EXPECT_GE(*r->revoked_at, r->created_at);
  std::unique_ptr<LogReader> reader = std::move(*log_->OpenReader({}));
  std::vector<LogRecord> records;
  ASSERT_TRUE(reader->Read(100, std::chrono::milliseconds(0), &records).ok());
  int dated = 0;
  for (const LogRecord& record : records) {
    StatusOr<Event> e = DecodeEvent(record.payload);
    ASSERT_TRUE(e.ok());
    if (e->token_id != created.token_id) continue;
    EXPECT_GE(e->occurred_at, created.occurred_at) << record.payload;
    ++dated;
  }
  EXPECT_EQ(dated, 3);  // created, used, revoked
}

TEST_F(TokenServiceTest, AsyncUsesAreAllWrittenByStop) {
  auto c = service_->Create("alice", {"ci", std::nullopt, std::nullopt});
  ASSERT_TRUE(c.ok());
  UseRecorder async(log_.get(), UseRecorder::Mode::kAsync, &metrics_);
  TokenService service(log_.get(), view_.get(), &async, &metrics_);
  uint64_t before = log_->EndPositions()->at("log");
  for (int i = 0; i < 50; ++i) {
    auto v = service.Verify("git", {c->plaintext, std::nullopt, {}, {}, {}, {}, {}, false});
    ASSERT_TRUE(v.ok() && v->active);
  }
  async.Stop();
  EXPECT_EQ(log_->EndPositions()->at("log"), before + 50);
  EXPECT_EQ(async.queued(), 0u);
}

}  // namespace
}  // namespace wit
