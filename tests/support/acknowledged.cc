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
  unavailable += other.unavailable;
  other_errors += other.other_errors;
  created.insert(other.created.begin(), other.created.end());
  revoked.insert(other.revoked.begin(), other.revoked.end());
  for (const auto& [id, n] : other.allowed_uses) allowed_uses[id] += n;
}

namespace {

// LoadWorker is one Load: its own tokens, and how it judges an answer.
class LoadWorker {
 public:
  LoadWorker(uint16_t port, const std::string& user, const std::string& service, int worker,
             Acknowledged* ack, LoadMode mode)
      : port_(port),
        user_(user),
        service_(service),
        worker_(worker),
        ack_(ack),
        mode_(mode),
        rng_(static_cast<uint32_t>(worker)) {}

  void Step(int n) {
    int op = static_cast<int>(rng_() % 10);
    if (mine_.empty() || op < 3) return Create(n);
    Mine& t = mine_[rng_() % mine_.size()];
    if (op < 7) return Verify(t);
    if (op < 9) return Revoke(t);
    Judge(Http(port_, "GET", "/api/tokens?status=all", "", user_), 200, "list");
  }

  // Failed counts a request that got no answer.
  void Failed(const std::string& what) {
    if (mode_ != LoadMode::kBrokersMayFail) return;  // witd died under us
    std::lock_guard<std::mutex> lock(ack_->mu);
    ++ack_->other_errors;
    ADD_FAILURE() << "no answer: " << what;
  }

 private:
  struct Mine {
    std::string id, token;
    bool maybe_revoked = false;
  };

  void Create(int n) {
    HttpResponse r =
        Http(port_, "POST", "/api/tokens",
             "{\"name\":\"w" + std::to_string(worker_) + "-" + std::to_string(n) + "\"}", user_);
    if (!Judge(r, 201, "create")) return;
    Json t = Json::Parse(r.body);
    mine_.push_back({t.Str("id"), t.Str("token")});
    std::lock_guard<std::mutex> lock(ack_->mu);
    ack_->created[t.Str("id")] = t.Str("token");
    ++ack_->operations;
  }

  void Verify(const Mine& t) {
    HttpResponse r =
        Http(port_, "POST", "/api/tokens/verify", "{\"token\":\"" + t.token + "\"}", service_);
    if (!Judge(r, 200, "verify")) return;
    bool active = Json::Parse(r.body).Bool("active");
    if (!active && !t.maybe_revoked)
      Error("a token made and never revoked did not verify: " + r.body);
    if (!active) return;
    std::lock_guard<std::mutex> lock(ack_->mu);
    ack_->allowed_uses[t.id]++;
    ++ack_->operations;
  }

  void Revoke(Mine& t) {
    // A revoke that got a 503 may still land (it was in flight when the brokers went away):
    // from its first attempt on, the token may be revoked.
    t.maybe_revoked = true;
    if (!Judge(Http(port_, "DELETE", "/api/tokens/" + t.id, "", user_), 200, "revoke")) return;
    std::lock_guard<std::mutex> lock(ack_->mu);
    ack_->revoked.insert(t.id);
    ++ack_->operations;
  }

  // Judge says whether `r` is the success `want`; a 503 or another answer is counted.
  bool Judge(const HttpResponse& r, int want, const char* what) {
    if (r.status == want) return true;
    if (mode_ != LoadMode::kBrokersMayFail) return false;
    if (r.status == 503) {
      std::lock_guard<std::mutex> lock(ack_->mu);
      ++ack_->unavailable;
      EXPECT_FALSE(r.retry_after.empty()) << what << ": 503 without Retry-After";
      return false;
    }
    Error(std::string(what) + " answered " + std::to_string(r.status) + ": " + r.body);
    return false;
  }

  void Error(const std::string& what) {
    if (mode_ != LoadMode::kBrokersMayFail) return;
    std::lock_guard<std::mutex> lock(ack_->mu);
    ++ack_->other_errors;
    ADD_FAILURE() << what;
  }

  uint16_t port_;
  const std::string& user_;
  const std::string& service_;
  int worker_;
  Acknowledged* ack_;
  LoadMode mode_;
  std::mt19937 rng_;
  std::vector<Mine> mine_;  // the tokens this worker made
};

}  // namespace

void Load(uint16_t port, const std::string& user, const std::string& service, int worker,
          std::atomic<bool>* stop, Acknowledged* ack, LoadMode mode) {
  LoadWorker w(port, user, service, worker, ack, mode);
  for (int n = 0; !*stop; ++n) {
    try {
      w.Step(n);
    } catch (const std::exception& e) {
      w.Failed(e.what());
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
