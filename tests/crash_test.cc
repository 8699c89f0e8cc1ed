// kill -9 under load: every acknowledged create and revoke survives, every acknowledged
// active verify (sync audit) has its token.used event, and the view equals a rebuild.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "ledger/embedded_event_log.h"
#include "ledger/event_codec.h"
#include "projector/projector.h"
#include "tests/log_backend.h"
#include "tests/support/acknowledged.h"
#include "tests/support/eventually.h"
#include "tests/test_json.h"
#include "tests/witd_process.h"

namespace wit::testing {
namespace {

// The kill comes once witd has acknowledged this many operations (creates, active verifies,
// revokes), however long that takes: a TSan build on real Kafka makes about 5 a second.
constexpr int kOperationsBeforeTheKill = 60;

class CrashTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CrashTest, KillNineLosesNothingAcknowledged) {
  LogBackend backend(GetParam());
  std::string dir = MakeTempDir("crash");
  std::string data = dir + "/data";
  Acknowledged ack;
  bool loaded = false;
  {
    WitdProcess witd(data, backend.WitdArgs());
    ASSERT_TRUE(witd.Start());
    std::string alice = witd.UserSession("alice"), git = witd.ServiceSession("git");
    std::atomic<bool> stop{false};
    std::vector<std::thread> workers;
    for (int w = 0; w < 8; ++w) {
      workers.emplace_back(Load, witd.port(), alice, git, w, &stop, &ack, LoadMode::kWitdMayDie);
    }
    // Wait for real load (however long a sanitizer build takes to make it), then kill
    // mid-flight.
    loaded = Eventually([&] {
      std::lock_guard<std::mutex> lock(ack.mu);
      return ack.operations >= kOperationsBeforeTheKill;
    });
    witd.Kill();
    stop = true;
    for (auto& t : workers) t.join();
  }
  ASSERT_TRUE(loaded) << "witd acknowledged " << ack.operations << " operations in 120 s";

  WitdProcess witd(data, backend.WitdArgs());
  ASSERT_TRUE(witd.Start());
  std::string alice = witd.UserSession("alice"), git = witd.ServiceSession("git");
  for (const auto& [id, token] : ack.created) {
    HttpResponse r = Http(witd.port(), "GET", "/api/tokens/" + id, "", alice);
    ASSERT_EQ(r.status, 200) << "acknowledged create lost: " << id;
    std::string status = Json::Parse(r.body).Str("status");
    if (ack.revoked.count(id)) {
      EXPECT_EQ(status, "revoked") << "acknowledged revoke lost: " << id;
      ExpectRevokedDoesNotVerify(witd.port(), git, token, "after restart, " + id);
    }
  }
  ASSERT_EQ(witd.Stop(), 0);

  // Every acknowledged active verify is in the log; the view equals a rebuild from the log.
  std::map<std::string, int> logged_uses;
  for (const auto& payload : backend.ReadAll(data)) {
    auto e = DecodeEvent(payload);
    ASSERT_TRUE(e.ok());
    if (e->type == EventType::kUsed && e->outcome == "allowed") logged_uses[e->token_id]++;
  }
  for (const auto& [id, n] : ack.allowed_uses) {
    EXPECT_GE(logged_uses[id], n) << "acknowledged verify without its token.used: " << id;
  }
  auto log = backend.OpenLog(data);
  ASSERT_TRUE(log.ok());
  auto view = TokenView::Open(data + "/view");
  auto rebuilt = TokenView::Open(dir + "/rebuilt");
  ASSERT_TRUE(view.ok() && rebuilt.ok());
  Projector projector(log->get(), rebuilt->get(), backend.EventKey(data));
  ASSERT_TRUE(projector.Start().ok());
  LogPositions end = *(*log)->EndPositions();
  Eventually([&] { return (*rebuilt)->CaughtUpWith(end); });
  projector.Stop();
  ASSERT_TRUE((*rebuilt)->CaughtUpWith(end));
  EXPECT_EQ((*view)->Positions(), (*rebuilt)->Positions());
  auto a = (*view)->ListAll(), b = (*rebuilt)->ListAll();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(a[i] == b[i]) << a[i].id;
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Logs, CrashTest, ::testing::ValuesIn(kLogKinds));

}  // namespace
}  // namespace wit::testing
