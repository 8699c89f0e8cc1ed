#include "projector/projector.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "ledger/embedded_event_log.h"
#include "ledger/event_codec.h"
#include "ledger/random.h"
#include "ledger/token.h"

namespace wit {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

class ProjectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wit-projector-test-" + NewUuid());
    fs::create_directories(dir_);
    log_ = std::move(*EmbeddedEventLog::Open((dir_ / "log").string()));
  }
  void TearDown() override {
    log_.reset();
    fs::remove_all(dir_);
  }

  std::unique_ptr<TokenView> OpenView(const std::string& name = "view") {
    auto v = TokenView::Open((dir_ / name).string());
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return std::move(*v);
  }

  Event Created(const std::string& user, const std::string& name, TimeMs at) {
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

  LogPosition Append(const Event& e) {
    auto pos = log_->Append(e);
    EXPECT_TRUE(pos.ok());
    return *pos;
  }

  fs::path dir_;
  std::unique_ptr<EmbeddedEventLog> log_;
};

TEST_F(ProjectorTest, AppliesEventsAndIndexes) {
  auto view = OpenView();
  Projector projector(log_.get(), view.get());
  ASSERT_TRUE(projector.Start().ok());
  Event a = Created("alice", "first", 1000);
  Event b = Created("alice", "second", 2000);
  Event c = Created("bob", "bobs", 3000);
  Append(a);
  Append(b);
  LogPosition last = Append(c);
  ASSERT_TRUE(view->WaitApplied(last, seconds(10)));

  EXPECT_EQ(view->GetByHash(a.token_hash)->id, a.token_id);
  EXPECT_TRUE(view->PrefixTaken(b.prefix));
  auto alice = view->ListByUser("alice");
  ASSERT_EQ(alice.size(), 2u);
  EXPECT_EQ(alice[0].name, "second");  // newest first
  EXPECT_EQ(view->ListByUser("bob").size(), 1u);
  EXPECT_EQ(view->GetById(NewUuid()).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(projector.applied(), 3u);
}

TEST_F(ProjectorTest, ListingUnrevokedTokensSkipsTheRevokedOnes) {
  auto view = OpenView();
  Event a = Created("alice", "kept", 1000);
  Event b = Created("alice", "revoked-later", 2000);
  Event c = Created("alice", "revoked-at-once", 3000);
  auto revoke = [](Event e, TimeMs at) {
    e.type = EventType::kRevoked;
    e.event_id = NewUuid();
    e.revoked_by = e.user_id;
    e.occurred_at = at;
    return e;
  };
  // c is created and revoked in one batch; b is revoked in a later one.
  TokenView::ApplyStats stats;
  ASSERT_TRUE(view->Apply({{EmbeddedEventLog::kStream, 0, EncodeEvent(a)},
                           {EmbeddedEventLog::kStream, 1, EncodeEvent(b)},
                           {EmbeddedEventLog::kStream, 2, EncodeEvent(c)},
                           {EmbeddedEventLog::kStream, 3, EncodeEvent(revoke(c, 3500))}},
                          &stats)
                  .ok());
  ASSERT_TRUE(
      view->Apply({{EmbeddedEventLog::kStream, 4, EncodeEvent(revoke(b, 4000))}}, &stats).ok());

  auto unrevoked = view->ListByUser("alice", TokenView::Listing::kUnrevoked);
  ASSERT_EQ(unrevoked.size(), 1u);
  EXPECT_EQ(unrevoked[0].id, a.token_id);
  auto all = view->ListByUser("alice");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, c.token_id);  // newest first
  EXPECT_TRUE(all[0].revoked_at.has_value());
  EXPECT_TRUE(all[1].revoked_at.has_value());
}

TEST_F(ProjectorTest, SkipsUndecodableRecordsAndCountsThem) {
  auto view = OpenView();
  Projector projector(log_.get(), view.get());
  ASSERT_TRUE(projector.Start().ok());
  ASSERT_TRUE(log_->AppendPayload("{not json").ok());
  ASSERT_TRUE(log_->AppendPayload("{\"schemaVersion\":1,\"type\":\"token.nuked\"}").ok());
  Event a = Created("alice", "after-garbage", 1000);
  LogPosition pos = Append(a);
  ASSERT_TRUE(view->WaitApplied(pos, seconds(10)));
  EXPECT_EQ(projector.skipped(), 2u);
  EXPECT_TRUE(view->GetById(a.token_id).ok());
}

TEST_F(ProjectorTest, ResumesFromStoredPositionAndRebuildsEqual) {
  std::vector<Event> created;
  {
    auto view = OpenView();
    Projector projector(log_.get(), view.get());
    ASSERT_TRUE(projector.Start().ok());
    for (int i = 0; i < 50; ++i) created.push_back(Created("u" + std::to_string(i % 3), "t", i));
    LogPosition pos;
    for (const auto& e : created) pos = Append(e);
    Event revoke = created[7];
    revoke.type = EventType::kRevoked;
    revoke.event_id = NewUuid();
    revoke.revoked_by = revoke.user_id;
    revoke.occurred_at = 100;
    pos = Append(revoke);
    ASSERT_TRUE(view->WaitApplied(pos, seconds(10)));
    EXPECT_EQ(view->Positions().at(EmbeddedEventLog::kStream), 51u);
  }
  // Reopen: position is where it was, nothing re-applied.
  auto view = OpenView();
  EXPECT_EQ(view->Positions().at(EmbeddedEventLog::kStream), 51u);
  Projector projector(log_.get(), view.get());
  ASSERT_TRUE(projector.Start().ok());
  Event used = created[3];
  used.type = EventType::kUsed;
  used.event_id = NewUuid();
  used.outcome = "allowed";
  used.occurred_at = 200;
  LogPosition pos = Append(used);
  ASSERT_TRUE(view->WaitApplied(pos, seconds(10)));
  EXPECT_EQ(projector.applied(), 1u);

  // A fresh view built from the whole log equals the incremental one.
  auto rebuilt = OpenView("rebuilt");
  Projector rebuilder(log_.get(), rebuilt.get());
  ASSERT_TRUE(rebuilder.Start().ok());
  ASSERT_TRUE(rebuilt->WaitApplied(pos, seconds(10)));
  auto a = view->ListAll();
  auto b = rebuilt->ListAll();
  ASSERT_EQ(a.size(), 50u);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(a[i] == b[i]) << a[i].id;
  EXPECT_TRUE(view->GetById(created[7].token_id)->revoked_at.has_value());
  EXPECT_EQ(view->GetById(created[3].token_id)->last_used_at, 200);
}

TEST_F(ProjectorTest, LagIsUnknownBeforeTheFirstReadAndZeroOnceCaughtUp) {
  auto view = OpenView();
  Projector projector(log_.get(), view.get());
  EXPECT_EQ(projector.lag(), -1);
  LogPosition pos;
  for (int i = 0; i < 20; ++i) pos = Append(Created("alice", "t" + std::to_string(i), i));
  ASSERT_TRUE(projector.Start().ok());
  ASSERT_TRUE(view->WaitApplied(pos, seconds(10)));
  // The reader learns the end at each read, before the records are applied; the view's
  // position reaches it once the projector has caught up.
  auto deadline = std::chrono::steady_clock::now() + seconds(10);
  while (projector.lag() != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(projector.lag(), 0);
  EXPECT_EQ(projector.applied(), 20u);
}

TEST_F(ProjectorTest, ReDeliveredRecordsAreNotAppliedTwice) {
  auto view = OpenView();
  Event a = Created("alice", "x", 1);
  ASSERT_TRUE(log_->Append(a).ok());
  LogRecord rec{EmbeddedEventLog::kStream, 0, EncodeEvent(a)};
  TokenView::ApplyStats first, second;
  ASSERT_TRUE(view->Apply({rec}, &first).ok());
  ASSERT_TRUE(view->Apply({rec}, &second).ok());
  EXPECT_EQ(first.applied, 1u);
  EXPECT_EQ(second.already, 1u);
  EXPECT_EQ(view->ListAll().size(), 1u);
}

}  // namespace
}  // namespace wit
