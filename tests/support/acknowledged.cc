#include "tests/support/acknowledged.h"

#include <gtest/gtest.h>

#include <random>
#include <utility>
#include <vector>

#include "tests/test_json.h"
#include "tests/witd_process.h"

namespace wit::testing {

void Acknowledged::Merge(Acknowledged& other) {
  std::scoped_lock lock(mu, other.mu);
  operations += other.operations;
  created.insert(other.created.begin(), other.created.end());
  revoked.insert(other.revoked.begin(), other.revoked.end());
  for (const auto& [id, n] : other.allowed_uses) allowed_uses[id] += n;
}

void Load(uint16_t port, const std::string& alice, const std::string& git, int worker,
          std::atomic<bool>* stop, Acknowledged* ack) {
  std::mt19937 rng(static_cast<uint32_t>(worker));
  std::vector<std::pair<std::string, std::string>> mine;  // tokens this worker made
  for (int n = 0; !*stop; ++n) {
    try {
      int op = static_cast<int>(rng() % 10);
      if (mine.empty() || op < 3) {
        HttpResponse r =
            Http(port, "POST", "/api/tokens",
                 "{\"name\":\"w" + std::to_string(worker) + "-" + std::to_string(n) + "\"}", alice);
        if (r.status != 201) continue;
        Json t = Json::Parse(r.body);
        mine.emplace_back(t.Str("id"), t.Str("token"));
        std::lock_guard<std::mutex> lock(ack->mu);
        ack->created[t.Str("id")] = t.Str("token");
        ++ack->operations;
      } else if (op < 7) {
        const auto& [id, token] = mine[rng() % mine.size()];
        HttpResponse r =
            Http(port, "POST", "/api/tokens/verify", "{\"token\":\"" + token + "\"}", git);
        if (r.status == 200 && Json::Parse(r.body).Bool("active")) {
          std::lock_guard<std::mutex> lock(ack->mu);
          ack->allowed_uses[id]++;
          ++ack->operations;
        }
      } else if (op < 9) {
        const auto& [id, token] = mine[rng() % mine.size()];
        HttpResponse r = Http(port, "DELETE", "/api/tokens/" + id, "", alice);
        if (r.status == 200) {
          std::lock_guard<std::mutex> lock(ack->mu);
          ack->revoked.insert(id);
          ++ack->operations;
        }
      } else {
        Http(port, "GET", "/api/tokens?status=all", "", alice);
      }
    } catch (...) {
      // witd died under us: what was not acknowledged may or may not be there.
    }
  }
}

void ExpectRevokedDoesNotVerify(uint16_t port, const std::string& service_session,
                                const std::string& token, const std::string& context) {
  HttpResponse r =
      Http(port, "POST", "/api/tokens/verify", "{\"token\":\"" + token + "\"}", service_session);
  ASSERT_EQ(r.status, 200) << context << ": verify answered " << r.body;
  Json v = Json::Parse(r.body);
  ASSERT_TRUE(v.Has("active")) << context << ": " << r.body;
  EXPECT_FALSE(v.Bool("active")) << context << ": a revoked token verifies";
  EXPECT_EQ(v.Str("reason"), "revoked") << context << ": " << r.body;
}

}  // namespace wit::testing
