// The webhook notifier's parts, and its expiry warnings judged by a clock the test moves (the
// Options::now seam), against a real HTTP receiver on loopback. Delivery through failures and
// restarts, with witd itself, is tests/webhook_test.cc.
#include "api/webhook_notifier.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "api/ledger_fixture_for_test.h"

namespace wit {
namespace {

constexpr int64_t kDay = 24LL * 3600 * 1000;

TEST(WebhookPartsTest, SignsAsGitHubDoes) {
  // RFC 4231, test case 2.
  EXPECT_EQ(WebhookSignature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookPartsTest, ThresholdsAreTheTightestOneWithinAndTheDayOfExpiry) {
  const TimeMs at = 100 * kDay;
  EXPECT_EQ(ExpiryThreshold(at, 60 * kDay), std::nullopt);  // 40 days left
  EXPECT_EQ(ExpiryThreshold(at, 70 * kDay), 30);
  EXPECT_EQ(ExpiryThreshold(at, 93 * kDay), 7);
  EXPECT_EQ(ExpiryThreshold(at, 99 * kDay + 1), 1);
  EXPECT_EQ(ExpiryThreshold(at, 100 * kDay), 0);
  EXPECT_EQ(ExpiryThreshold(at, 101 * kDay - 1), 0);
  EXPECT_EQ(ExpiryThreshold(at, 102 * kDay), std::nullopt);  // long gone: no news
}

TEST(WebhookPartsTest, EventsMakeTheirNoticesAndUsesNone) {
  Event e;
  e.event_id = "e1";
  e.token_id = "t1";
  e.user_id = "alice";
  e.name = "ci";
  e.prefix = "abcdefgh";
  e.token_hash = "ff";
  EXPECT_EQ(NoticeForEvent(e, nullptr)->kind, "token.created");
  e.rotated_from = "t0";
  EXPECT_EQ(NoticeForEvent(e, nullptr)->kind, "token.rotated");
  std::string body = NoticeForEvent(e, nullptr)->body;
  EXPECT_NE(body.find("\"rotatedFrom\":\"t0\""), std::string::npos) << body;
  EXPECT_EQ(body.find("ff"), std::string::npos) << "a notice carries the token's hash";
  Event r;
  r.type = EventType::kRevoked;
  r.event_id = "e2";
  r.token_id = "t1";
  r.user_id = "alice";
  r.revoked_by = "github-secret-scanning";
  r.reason = "leaked";
  r.report_url = "https://github.com/a/b";
  std::optional<WebhookNotice> leak = NoticeForEvent(r, nullptr);
  EXPECT_EQ(leak->kind, "token.leaked");
  EXPECT_EQ(leak->id, "e2");
  EXPECT_NE(leak->body.find("\"report\":{\"url\":\"https://github.com/a/b\"}"), std::string::npos);
  r.reason.reset();
  EXPECT_EQ(NoticeForEvent(r, nullptr)->kind, "token.revoked");
  Event u;
  u.type = EventType::kUsed;
  EXPECT_FALSE(NoticeForEvent(u, nullptr));
}

// Receiver is a real HTTP server on loopback that keeps every notice's X-Wit-Event.
class Receiver {
 public:
  Receiver() : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(this), socket_,
                                                      new Poco::Net::HTTPServerParams);
    server_->start();
  }
  ~Receiver() { server_->stopAll(true); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(socket_.address().port()); }
  std::vector<std::string> events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }

 private:
  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(Receiver* r) : r_(r) {}
    void handleRequest(Poco::Net::HTTPServerRequest& req,
                       Poco::Net::HTTPServerResponse& res) override {
      std::string body;
      Poco::StreamCopier::copyToString(req.stream(), body);
      {
        std::lock_guard<std::mutex> lock(r_->mu_);
        r_->events_.push_back(req.get("X-Wit-Event", ""));
      }
      res.setStatus(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
      res.send();
    }

   private:
    Receiver* r_;
  };
  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(Receiver* r) : r_(r) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(r_);
    }

   private:
    Receiver* r_;
  };
  Poco::Net::ServerSocket socket_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::mutex mu_;
  std::vector<std::string> events_;
};

class WebhookNotifierTest : public LedgerFixture {
 protected:
  WebhookNotifier::Options Options() {
    WebhookNotifier::Options o;
    o.url = receiver_.url();
    o.secret = "s3cret";
    o.state_dir = (dir_ / "webhook").string();
    o.expiry_scan = std::chrono::milliseconds(100);
    o.now = [this] { return clock_.load(); };
    return o;
  }
  bool WaitForEvents(size_t n) {
    for (int i = 0; i < 200 && receiver_.events().size() < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return receiver_.events().size() >= n;
  }
  Receiver receiver_;
  std::atomic<TimeMs> clock_{NowMs()};
};

TEST_F(WebhookNotifierTest, OnTheDayATokenExpiresItsNoticeGoesOnceAcrossRestarts) {
  CreateRequest req;
  req.name = "short";
  req.expires_in_days = 1;
  ASSERT_TRUE(service_->Create("alice", req).ok());
  clock_ = NowMs() + kDay + kDay / 24;  // an hour past its expiry
  {
    WebhookNotifier n(log_.get(), view_.get(), nullptr, &metrics_, Options());
    ASSERT_TRUE(n.Start().ok());
    ASSERT_TRUE(WaitForEvents(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // more scans: no repeat
  }
  EXPECT_EQ(receiver_.events(), (std::vector<std::string>{"token.expired"}));
  // Started again on the same state, with the same clock: the warning is on record.
  WebhookNotifier again(log_.get(), view_.get(), nullptr, &metrics_, Options());
  ASSERT_TRUE(again.Start().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(receiver_.events().size(), 1u);
  EXPECT_EQ(again.queued(), 0u);
}

TEST_F(WebhookNotifierTest, RefusesAUrlItCannotPostTo) {
  WebhookNotifier::Options o = Options();
  o.url = "ftp://example.com/hook";
  WebhookNotifier n(log_.get(), view_.get(), nullptr, &metrics_, o);
  EXPECT_EQ(n.Start().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace wit
