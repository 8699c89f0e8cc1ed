#include "projector/projector.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "base/random.h"
#include "ledger/embedded_event_log.h"
#include "ledger/event_auth.h"
#include "ledger/event_codec.h"
#include "ledger/merkle.h"
#include "tests/support/events.h"
#include "token/token.h"

namespace wit {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

class ProjectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wit-projector-test-" + NewUuid());
    fs::create_directories(dir_);
    log_ = std::move(*EmbeddedEventLog::Open((dir_ / "log").string(), auth_));
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

  static Event Created(const std::string& user, const std::string& name, TimeMs at) {
    return testing::CreatedEvent(user, name, at);
  }

  LogPosition Append(const Event& e) {
    auto pos = log_->Append(e);
    EXPECT_TRUE(pos.ok());
    return *pos;
  }

  static Event Revoked(Event e, TimeMs at) { return testing::RevokedEvent(std::move(e), at); }

  // Used is `user`'s use of `e`'s token: another user than its owner's makes a forged use.
  static Event Used(Event e, const std::string& user, TimeMs at) {
    e.user_id = user;
    return testing::UsedEvent(std::move(e), at);
  }

  std::shared_ptr<const EventAuthenticator> auth_ =
      std::make_shared<const EventAuthenticator>(std::string(32, 'k'));
  fs::path dir_;
  std::unique_ptr<EmbeddedEventLog> log_;
};

TEST_F(ProjectorTest, AppliesEventsAndIndexes) {
  auto view = OpenView();
  Projector projector(log_.get(), view.get(), auth_);
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
  // c is created and revoked in one batch; b is revoked in a later one.
  TokenView::ApplyStats stats;
  ASSERT_TRUE(
      view->Apply({a, b, c, Revoked(c, 3500)}, {{EmbeddedEventLog::kStream, 4}}, &stats).ok());
  ASSERT_TRUE(view->Apply({Revoked(b, 4000)}, {{EmbeddedEventLog::kStream, 5}}, &stats).ok());

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
  Projector projector(log_.get(), view.get(), auth_);
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
    Projector projector(log_.get(), view.get(), auth_);
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
  Projector projector(log_.get(), view.get(), auth_);
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
  Projector rebuilder(log_.get(), rebuilt.get(), auth_);
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
  Projector projector(log_.get(), view.get(), auth_);
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

TEST_F(ProjectorTest, ApplyingAnEventTwiceChangesNothing) {
  auto view = OpenView();
  Event a = Created("alice", "x", 1);
  TokenView::ApplyStats first, second;
  ASSERT_TRUE(view->Apply({a}, {{EmbeddedEventLog::kStream, 1}}, &first).ok());
  TokenState once = *view->GetById(a.token_id);
  ASSERT_TRUE(view->Apply({a}, {{EmbeddedEventLog::kStream, 1}}, &second).ok());
  EXPECT_TRUE(*view->GetById(a.token_id) == once);
  EXPECT_EQ(view->ListAll().size(), 1u);
}

// The attacks of issue 11 on the embedded log: records written past witd (the AppendPayload
// seam) are skipped and counted, and a use changes nothing it may not.
TEST_F(ProjectorTest, LifecycleRecordsWithoutAValidMacAreSkippedAndCounted) {
  auto view = OpenView();
  Projector projector(log_.get(), view.get(), auth_);
  ASSERT_TRUE(projector.Start().ok());
  Event forged = Created("mallory", "self-made", 1000);
  forged.scopes = {"repo:admin"};
  ASSERT_TRUE(log_->AppendPayload(EncodeEvent(forged)).ok());  // no MAC
  EventAuthenticator other(std::string(32, 'o'));
  Event other_key = Created("mallory", "other-key", 1001);
  std::string payload = EncodeEvent(other_key);
  ASSERT_TRUE(log_->AppendPayload(payload, other.Sign(payload)).ok());
  // A genuine MAC copied onto a changed record.
  Event genuine = Created("alice", "genuine", 1002);
  std::string good = EncodeEvent(genuine);
  Event changed = genuine;
  changed.user_id = "mallory";
  ASSERT_TRUE(log_->AppendPayload(EncodeEvent(changed), auth_->Sign(good)).ok());
  ASSERT_TRUE(log_->AppendPayload(EncodeEvent(Revoked(genuine, 1003)), "v1:zz").ok());
  LogPosition pos = Append(genuine);
  ASSERT_TRUE(view->WaitApplied(pos, seconds(10)));

  EXPECT_EQ(projector.skipped(SkipReason::kUnsigned), 1u);
  EXPECT_EQ(projector.skipped(SkipReason::kOtherKey), 1u);
  EXPECT_EQ(projector.skipped(SkipReason::kBadMac), 2u);
  EXPECT_EQ(projector.applied(), 1u);
  EXPECT_FALSE(view->GetByHash(forged.token_hash).ok());
  EXPECT_FALSE(view->GetById(other_key.token_id).ok());
  EXPECT_TRUE(view->ListByUser("mallory").empty());
  EXPECT_FALSE(view->GetById(genuine.token_id)->revoked_at.has_value());
}

TEST_F(ProjectorTest, RecordsFromBeforeSigningStayAcceptedAndNoLaterOnes) {
  const std::string path = (dir_ / "old-log").string();
  Event old = Created("alice", "from-before", 1000);
  {
    // A witd from before signing wrote this log.
    auto unsigned_log = EmbeddedEventLog::Open(path);
    ASSERT_TRUE(unsigned_log.ok());
    ASSERT_TRUE((*unsigned_log)->Append(old).ok());
  }
  auto log = EmbeddedEventLog::Open(path, auth_);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ((*log)->UnsignedBefore().at(EmbeddedEventLog::kStream), 1u);
  Event late = Created("mallory", "after", 2000);
  ASSERT_TRUE((*log)->AppendPayload(EncodeEvent(late)).ok());
  Event signed_one = Created("alice", "signed", 3000);
  auto pos = (*log)->Append(signed_one);
  ASSERT_TRUE(pos.ok());

  auto view = OpenView();
  Projector projector(log->get(), view.get(), auth_);
  ASSERT_TRUE(projector.Start().ok());
  ASSERT_TRUE(view->WaitApplied(*pos, seconds(10)));
  EXPECT_TRUE(view->GetById(old.token_id).ok());
  EXPECT_TRUE(view->GetById(signed_one.token_id).ok());
  EXPECT_FALSE(view->GetById(late.token_id).ok());
  EXPECT_EQ(projector.skipped(SkipReason::kUnsigned), 1u);
  // The mark is set once: a later open does not move it.
  projector.Stop();
  log->reset();
  log = EmbeddedEventLog::Open(path, auth_);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ((*log)->UnsignedBefore().at(EmbeddedEventLog::kStream), 1u);
}

TEST_F(ProjectorTest, AUseNeitherRevivesNorCrossesUsers) {
  auto view = OpenView();
  Projector projector(log_.get(), view.get(), auth_);
  ASSERT_TRUE(projector.Start().ok());
  Event a = Created("alice", "a", 1000);
  Append(a);
  Append(Revoked(a, 2000));
  Append(Used(a, "alice", 3000));  // a late use of a revoked token
  Event b = Created("bob", "b", 1000);
  Append(b);
  Append(Used(b, "mallory", 4000));  // a use naming another user
  LogPosition pos = Append(Used(b, "bob", 3500));
  ASSERT_TRUE(view->WaitApplied(pos, seconds(10)));

  TokenState ra = *view->GetById(a.token_id);
  EXPECT_EQ(ra.revoked_at, 2000);
  EXPECT_EQ(StatusAt(ra, 5000), TokenStatus::kRevoked);
  TokenState rb = *view->GetById(b.token_id);
  EXPECT_EQ(rb.user_id, "bob");
  EXPECT_EQ(rb.last_used_at, 3500);  // not mallory's 4000
  EXPECT_EQ(projector.skipped(SkipReason::kForeignUser), 1u);
  EXPECT_EQ(view->ListByUser("mallory").size(), 0u);
}

// TreeOfLog is the Merkle tree of every record in the log, as stored.
MerkleFrontier TreeOfLog(EventLog& log) {
  MerkleFrontier tree;
  auto reader = log.OpenReader({});
  std::vector<LogRecord> records;
  while (true) {
    size_t before = records.size();
    EXPECT_TRUE((*reader)->Read(4096, std::chrono::milliseconds(0), &records).ok());
    if (records.size() == before) break;
  }
  for (const LogRecord& r : records) tree.Append(MerkleLeafHash(r.payload));
  return tree;
}

// ExpectTheViewsProofs checks that the nodes the view stored answer, for every size of the
// log's tree, the proofs a tree of the whole log gives.
void ExpectTheViewsProofs(const TokenView& view, EventLog& log, uint64_t step = 1) {
  MerkleFrontier frontier = TreeOfLog(log);
  MerkleTree tree;
  auto reader = log.OpenReader({});
  std::vector<LogRecord> records;
  while (true) {
    size_t before = records.size();
    ASSERT_TRUE((*reader)->Read(4096, std::chrono::milliseconds(0), &records).ok());
    if (records.size() == before) break;
  }
  for (const LogRecord& r : records) tree.Append(MerkleLeafHash(r.payload));
  ASSERT_EQ(tree.size(), frontier.size());
  MerkleNodeReader nodes = view.TreeNodes(EmbeddedEventLog::kStream);
  for (uint64_t n = 1; n <= tree.size(); n += step) {
    EXPECT_EQ(*MerkleRootOf(n, nodes), tree.RootAt(n));
    for (uint64_t i = 0; i < n; i += step) {
      EXPECT_EQ(*MerkleInclusionProof(i, n, nodes), *tree.InclusionProof(i, n)) << i << "/" << n;
      EXPECT_EQ(*MerkleConsistencyProof(i, n, nodes), *tree.ConsistencyProof(i, n));
    }
  }
  EXPECT_FALSE(MerkleRootOf(tree.size() + 1, nodes).ok());
}

TEST_F(ProjectorTest, TheViewKeepsTheTreeOfEveryRecordSkippedOnesIncludedAcrossRestarts) {
  Event a = Created("alice", "first", 1000);
  Append(a);
  ASSERT_TRUE(log_->AppendPayload("not an event").ok());  // skipped, and still a leaf
  Append(Used(a, "alice", 1500));
  {
    auto view = OpenView();
    Projector projector(log_.get(), view.get(), auth_);
    ASSERT_TRUE(projector.Start().ok());
    ASSERT_TRUE(view->WaitApplied({EmbeddedEventLog::kStream, 2}, seconds(30)));
    TokenView::Trees trees = view->StreamTrees();
    ASSERT_EQ(trees.size(), 1u);
    EXPECT_EQ(trees[EmbeddedEventLog::kStream].size(), 3u);
    EXPECT_EQ(trees[EmbeddedEventLog::kStream].Root(), TreeOfLog(*log_).Root());
    EXPECT_EQ(projector.skipped(), 1u);
  }
  // Reopened, the view has the same tree and grows it on.
  Append(Revoked(a, 2000));
  auto view = OpenView();
  EXPECT_EQ(view->StreamTrees()[EmbeddedEventLog::kStream].size(), 3u);
  Projector projector(log_.get(), view.get(), auth_);
  ASSERT_TRUE(projector.Start().ok());
  ASSERT_TRUE(view->WaitApplied({EmbeddedEventLog::kStream, 3}, seconds(30)));
  MerkleFrontier tree = view->StreamTrees()[EmbeddedEventLog::kStream];
  EXPECT_EQ(tree.size(), 4u);
  EXPECT_EQ(tree.Root(), TreeOfLog(*log_).Root());
  ExpectTheViewsProofs(*view, *log_);
  // Admitted events are found by id; the skipped record has none.
  StatusOr<std::vector<LogPosition>> at = view->FindEvent(a.event_id);
  ASSERT_TRUE(at.ok());
  ASSERT_EQ(at->size(), 1u);
  EXPECT_EQ((*at)[0].stream, EmbeddedEventLog::kStream);
  EXPECT_EQ((*at)[0].offset, 0u);
  EXPECT_TRUE(view->FindEvent("no-such-event")->empty());
}

// Past 256 records the upper nodes come from memory (loaded again when the view reopens) and
// the lower ones from RocksDB: the proofs are the same.
TEST_F(ProjectorTest, ProofsOverALargerTreeAreTheSameBeforeAndAfterTheViewReopens) {
  for (int i = 0; i < 1100; ++i) ASSERT_TRUE(log_->AppendPayload("r" + std::to_string(i)).ok());
  {
    auto view = OpenView();
    Projector projector(log_.get(), view.get(), auth_);
    ASSERT_TRUE(projector.Start().ok());
    ASSERT_TRUE(view->WaitApplied({EmbeddedEventLog::kStream, 1099}, seconds(30)));
    projector.Stop();
    ExpectTheViewsProofs(*view, *log_, 37);
  }
  // Reopened, the projector goes on filling the open tile it left.
  for (int i = 1100; i < 1500; ++i) ASSERT_TRUE(log_->AppendPayload("r" + std::to_string(i)).ok());
  auto view = OpenView();
  Projector projector(log_.get(), view.get(), auth_);
  ASSERT_TRUE(projector.Start().ok());
  ASSERT_TRUE(view->WaitApplied({EmbeddedEventLog::kStream, 1499}, seconds(30)));
  projector.Stop();
  ExpectTheViewsProofs(*view, *log_, 37);
}

TEST_F(ProjectorTest, AViewFromBeforeTheTreesGetsThemFromTheLogAtStart) {
  std::vector<Event> created;
  for (int i = 0; i < 10; ++i) created.push_back(Created("alice", "t" + std::to_string(i), i));
  for (const Event& e : created) Append(e);
  // A view that applied the first 10 records without keeping a tree, as one from before did.
  {
    auto view = OpenView();
    TokenView::ApplyStats stats;
    ASSERT_TRUE(view->Apply(created, {{EmbeddedEventLog::kStream, 10}}, &stats).ok());
    EXPECT_TRUE(view->StreamTrees().empty());
  }
  Append(Used(created[3], "alice", 100));
  auto view = OpenView();
  Projector projector(log_.get(), view.get(), auth_);
  ASSERT_TRUE(projector.Start().ok());
  ASSERT_TRUE(view->WaitApplied({EmbeddedEventLog::kStream, 10}, seconds(30)));
  MerkleFrontier tree = view->StreamTrees()[EmbeddedEventLog::kStream];
  EXPECT_EQ(tree.size(), 11u);
  EXPECT_EQ(tree.Root(), TreeOfLog(*log_).Root());
  EXPECT_EQ(projector.applied(), 1u);  // the 10 old records were hashed, not applied again
  ExpectTheViewsProofs(*view, *log_);
  EXPECT_EQ((*view->FindEvent(created[7].event_id))[0].offset, 7u);
}

}  // namespace
}  // namespace wit
