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
#include "tests/test_json.h"
#include "tests/witd_process.h"

namespace wit::testing {
namespace {

struct Acknowledged {
  std::mutex mu;
  std::map<std::string, std::string> created;  // id → token
  std::set<std::string> revoked;
  std::map<std::string, int> allowed_uses;  // id → acknowledged active verifies
};

void Load(uint16_t port, const std::string& alice, const std::string& git, int worker,
          std::atomic<bool>* stop, Acknowledged* ack) {
  int n = 0;
  while (!*stop) {
    try {
      HttpResponse r =
          Http(port, "POST", "/api/tokens",
               "{\"name\":\"w" + std::to_string(worker) + "-" + std::to_string(n++) + "\"}", alice);
      if (r.status != 201) continue;
      Json t = Json::Parse(r.body);
      {
        std::lock_guard<std::mutex> lock(ack->mu);
        ack->created[t.Str("id")] = t.Str("token");
      }
      r = Http(port, "POST", "/api/tokens/verify", "{\"token\":\"" + t.Str("token") + "\"}", git);
      if (r.status == 200 && Json::Parse(r.body).Bool("active")) {
        std::lock_guard<std::mutex> lock(ack->mu);
        ack->allowed_uses[t.Str("id")]++;
      }
      if (n % 2 == 0) {
        r = Http(port, "DELETE", "/api/tokens/" + t.Str("id"), "", alice);
        if (r.status == 200) {
          std::lock_guard<std::mutex> lock(ack->mu);
          ack->revoked.insert(t.Str("id"));
        }
      }
    } catch (...) {
      // The server died under us: whatever was not acknowledged may or may not be there.
    }
  }
}

class CrashTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CrashTest, KillNineLosesNothingAcknowledged) {
  LogBackend backend(GetParam());
  std::string dir = MakeTempDir("crash");
  std::string data = dir + "/data";
  Acknowledged ack;
  {
    WitdProcess witd(data, backend.WitdArgs());
    ASSERT_TRUE(witd.Start());
    std::string alice = witd.UserSession("alice"), git = witd.ServiceSession("git");
    std::atomic<bool> stop{false};
    std::vector<std::thread> workers;
    for (int w = 0; w < 8; ++w) {
      workers.emplace_back(Load, witd.port(), alice, git, w, &stop, &ack);
    }
    // Wait for real load, then kill mid-flight.
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard<std::mutex> lock(ack.mu);
        if (ack.created.size() >= 200) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    witd.Kill();
    stop = true;
    for (auto& t : workers) t.join();
  }
  ASSERT_GE(ack.created.size(), 100u) << "not enough load before the kill";

  WitdProcess witd(data, backend.WitdArgs());
  ASSERT_TRUE(witd.Start());
  std::string alice = witd.UserSession("alice"), git = witd.ServiceSession("git");
  for (const auto& [id, token] : ack.created) {
    HttpResponse r = Http(witd.port(), "GET", "/api/tokens/" + id, "", alice);
    ASSERT_EQ(r.status, 200) << "acknowledged create lost: " << id;
    std::string status = Json::Parse(r.body).Str("status");
    if (ack.revoked.count(id)) {
      EXPECT_EQ(status, "revoked") << "acknowledged revoke lost: " << id;
      Json v = Json::Parse(
          Http(witd.port(), "POST", "/api/tokens/verify", "{\"token\":\"" + token + "\"}", git)
              .body);
      EXPECT_FALSE(v.Bool("active")) << "revoked token verifies after restart: " << id;
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
  for (int i = 0; i < 1000 && !(*rebuilt)->CaughtUpWith(end); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
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
