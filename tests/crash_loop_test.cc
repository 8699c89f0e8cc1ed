// A crash loop: mixed load (create, verify, revoke, list) on witd, killed with -9 at a random
// moment over and over. After every restart, everything acknowledged before the kill is there,
// no revoked token verifies, every acknowledged active verify has its token.used event, and
// the view equals a fresh fold of the log (wit-audit tokens, the projector's ApplyEvent).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "tests/log_backend.h"
#include "tests/support/acknowledged.h"
#include "tests/support/eventually.h"
#include "tests/support/text.h"
#include "tests/test_json.h"
#include "tests/witd_process.h"

namespace wit::testing {
namespace {

constexpr int kIterations = 20;

class CrashLoopTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::string AuditSource() const {
    return backend_.is_kafka() ? backend_.AuditFlags() : "--data-dir " + data_;
  }

  // CheckAfterRestart checks the invariants against a witd that has just started.
  void CheckAfterRestart(const WitdProcess& witd, const Acknowledged& ack, int iteration) {
    std::string alice = witd.UserSession("alice"), git = witd.ServiceSession("git");
    for (const auto& [id, token] : ack.created) {
      HttpResponse r = Http(witd.port(), "GET", "/api/tokens/" + id, "", alice);
      ASSERT_EQ(r.status, 200) << "iteration " << iteration << ": acknowledged create lost: " << id;
      if (!ack.revoked.count(id)) continue;
      EXPECT_EQ(Json::Parse(r.body).Str("status"), "revoked")
          << "iteration " << iteration << ": acknowledged revoke lost: " << id;
      ExpectRevokedDoesNotVerify(witd.port(), git, token,
                                 "iteration " + std::to_string(iteration) + ", " + id);
    }
    // Every acknowledged active verify has its event in the log (read by wit-audit while
    // witd runs).
    CommandResult uses = RunCommand(BinDir() +
                                    "/wit-audit replay --type used --outcome allowed "
                                    "--format jsonl " +
                                    AuditSource());
    ASSERT_EQ(uses.exit_code, 0) << uses.err;
    std::map<std::string, int> logged;
    for (const std::string& line : Lines(uses.out)) logged[Json::Parse(line).Str("tokenId")]++;
    for (const auto& [id, n] : ack.allowed_uses) {
      EXPECT_GE(logged[id], n) << "iteration " << iteration
                               << ": acknowledged verify without its token.used";
    }
    // The view (the API's list, once ready) equals a fresh fold of the whole log.
    CommandResult folded =
        RunCommand(BinDir() + "/wit-audit tokens --user alice --format json " + AuditSource());
    ASSERT_EQ(folded.exit_code, 0) << folded.err;
    std::map<std::string, Json> rebuilt;
    for (const Json& t : Json::Parse(folded.out).Array("tokens")) rebuilt[t.Str("id")] = t;
    std::vector<Json> view =
        Json::Parse(Http(witd.port(), "GET", "/api/tokens?status=all", "", alice).body)
            .Array("tokens");
    EXPECT_FALSE(view.empty()) << "iteration " << iteration << ": alice has tokens by now";
    EXPECT_EQ(view.size(), rebuilt.size()) << "iteration " << iteration;
    for (const Json& t : view) {
      ASSERT_EQ(rebuilt.count(t.Str("id")), 1u) << "iteration " << iteration << ": " << t.Str("id");
      const Json& r = rebuilt[t.Str("id")];
      for (const char* field :
           {"name", "prefix", "createdAt", "revokedAt", "lastUsedAt", "status"}) {
        EXPECT_EQ(t.Str(field), r.Str(field))
            << "iteration " << iteration << " " << field << " of " << t.Str("id");
      }
    }
  }

  LogBackend backend_{GetParam()};
  std::string dir_ = MakeTempDir("crashloop");
  std::string data_ = dir_ + "/data";
};

TEST_P(CrashLoopTest, KilledAtRandomMomentsTwentyTimesItLosesNothingAcknowledged) {
  std::mt19937 rng(20261128);
  Acknowledged all;
  int operations = 0;
  for (int i = 0; i <= kIterations; ++i) {
    WitdProcess witd(data_, backend_.WitdArgs());
    ASSERT_TRUE(witd.Start()) << "restart " << i;
    if (i > 0) CheckAfterRestart(witd, all, i);
    if (::testing::Test::HasFatalFailure() || i == kIterations) {
      EXPECT_EQ(witd.Stop(), 0);
      break;
    }
    Acknowledged ack;
    std::atomic<bool> stop{false};
    std::vector<std::thread> workers;
    std::string alice = witd.UserSession("alice"), git = witd.ServiceSession("git");
    for (int w = 0; w < 4; ++w)
      workers.emplace_back(Load, witd.port(), alice, git, w + 4 * i, &stop, &ack,
                           LoadMode::kWitdMayDie);
    // Kill at a random moment once some load is under way: after a random number (10 to 80)
    // of acknowledged operations, then a random 0-50 ms more. Counting operations instead of
    // sleeping a fixed time keeps the load the same on a slow (sanitizer) build.
    int target = 10 + static_cast<int>(rng() % 71);
    bool loaded = Eventually([&] {
      std::lock_guard<std::mutex> lock(ack.mu);
      return ack.operations >= target;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 50));
    witd.Kill();
    stop = true;
    for (auto& t : workers) t.join();
    ASSERT_TRUE(loaded) << "iteration " << i << ": " << ack.operations << " of " << target
                        << " operations acknowledged in 120 s";
    operations += ack.operations;
    all.Merge(ack);
  }
  std::printf("crash loop on %s: %d kills, %d acknowledged operations, %zu tokens\n",
              GetParam().c_str(), kIterations, operations, all.created.size());
  std::filesystem::remove_all(dir_);
}

INSTANTIATE_TEST_SUITE_P(Logs, CrashLoopTest, ::testing::ValuesIn(kLogKinds),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace wit::testing
