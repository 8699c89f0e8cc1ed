// Abuse of the HTTP layer: oversized request lines and headers, too many headers, slow and
// silent clients, many idle connections, and failed verifications counted per address.
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_json.h"
#include "tests/witd_process.h"

namespace wit::testing {
namespace {

// SlowClient is a raw TCP connection from a loopback address of the test's choice, so that a
// flood can come from an address other than the test's own requests.
class SlowClient {
 public:
  SlowClient(const char* from, uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, from, &local.sin_addr);
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local), 0);
    EXPECT_EQ(connect(fd_, reinterpret_cast<sockaddr*>(&remote), sizeof remote), 0);
  }
  SlowClient(SlowClient&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  SlowClient(const SlowClient&) = delete;
  ~SlowClient() {
    if (fd_ >= 0) close(fd_);
  }
  void Send(const std::string& bytes) { (void)send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  // Closed says whether witd closed the connection (a read finds its end, or an error).
  bool Closed() {
    char c;
    ssize_t n = recv(fd_, &c, 1, MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

 private:
  int fd_;
};

class AbuseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("abuse");
    witd_ = std::make_unique<WitdProcess>(
        dir_, std::vector<std::string>{"--idle-timeout", "1", "--request-header-timeout", "2"});
    ASSERT_TRUE(witd_->Start());
  }
  void TearDown() override {
    witd_.reset();
    std::filesystem::remove_all(dir_);
  }

  Poco::Net::StreamSocket Connect() {
    Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", witd_->port()));
    s.setReceiveTimeout(Poco::Timespan(10, 0));
    return s;
  }

  // Exchange sends raw bytes and returns what the server answers until it closes or stops.
  std::string Exchange(const std::string& bytes) {
    Poco::Net::StreamSocket s = Connect();
    s.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
    std::string answer;
    char buf[4096];
    try {
      for (int n; (n = s.receiveBytes(buf, sizeof buf)) > 0;) {
        answer.append(buf, static_cast<size_t>(n));
        if (answer.find("\r\n\r\n") != std::string::npos) break;
      }
    } catch (const Poco::Exception&) {
      // reset or timeout: whatever arrived is the answer
    }
    return answer;
  }

  // StillServes checks witd answers a normal request afterwards.
  void StillServes() { EXPECT_EQ(Http(witd_->port(), "GET", "/healthz").status, 200); }

  std::string dir_;
  std::unique_ptr<WitdProcess> witd_;
};

TEST_F(AbuseTest, AmbiguousFramingIsRefusedAndTheConnectionClosed) {
  // Each would let witd and a proxy in front of it disagree on where the body ends (RFC 9112
  // §6): 400, and the connection closed, whatever follows on it.
  const std::string body = "{\"name\":\"x\"}";
  for (const char* framing :
       {"Content-Length: 13\r\nContent-Length: 13\r\n", "Content-Length: +13\r\n",
        "Content-Length: 13 13\r\n", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: gzip, chunked\r\n",
        "Transfer-Encoding: chunked\r\nContent-Length: 13\r\n"}) {
    std::string answer = Exchange("POST /api/tokens HTTP/1.1\r\nHost: x\r\n" +
                                  std::string(framing) + "Content-Type: application/json\r\n\r\n" +
                                  body + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    // Poco itself closes at once, unanswered, on a length that is no number ("13 13"); either
    // way nothing after it is answered.
    if (std::string(framing) == "Content-Length: 13 13\r\n" && answer.empty()) continue;
    EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 400") << framing << answer.substr(0, 200);
    EXPECT_NE(answer.find("Connection: Close"), std::string::npos) << framing << answer;
  }
  StillServes();
}

TEST_F(AbuseTest, APostWithoutALengthGets411AndSwallowsNothing) {
  // Read until the idle timeout, it used to take the request behind it for its body.
  std::string answer = Exchange(
      "POST /api/tokens HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 411") << answer.substr(0, 200);
  EXPECT_NE(answer.find("length_required"), std::string::npos) << answer;
  // Forward auth takes no body: proxies send it the original method without one.
  std::string forward = Exchange("POST /api/auth/forward HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(forward.substr(0, 12), "HTTP/1.1 401") << forward.substr(0, 200);
  StillServes();
}

TEST_F(AbuseTest, AnOverlongRequestLineIsRefused) {
  std::string answer = Exchange("GET /" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 400") << answer.substr(0, 100);
  StillServes();
}

TEST_F(AbuseTest, AnOversizedHeaderIsRefused) {
  std::string answer = Exchange(
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'b') + "\r\n\r\n");
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 400") << answer.substr(0, 100);
  StillServes();
}

TEST_F(AbuseTest, TooManyHeadersAreRefused) {
  std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 200; ++i) request += "X-H" + std::to_string(i) + ": v\r\n";
  std::string answer = Exchange(request + "\r\n");
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 400") << answer.substr(0, 100);
  StillServes();
}

TEST_F(AbuseTest, ASlowClientIsDroppedAfterTheIdleTimeout) {
  Poco::Net::StreamSocket s = Connect();
  std::string partial = "GET /heal";
  s.sendBytes(partial.data(), static_cast<int>(partial.size()));
  char buf[256];
  int n = -1;
  try {
    n = s.receiveBytes(buf, sizeof buf);  // the server gives up first (1 s < our 10 s)
  } catch (const Poco::Net::ConnectionResetException&) {
    n = 0;
  }
  EXPECT_LE(n, 0) << "the server answered a request it never fully received";
  StillServes();
}

TEST_F(AbuseTest, IdleConnectionsBeyondTheThreadPoolDoNotLockOthersOut) {
  // More silent connections than witd has worker threads (256), from another address: those
  // past the address's share are closed at once, the others after the idle timeout, so a
  // real request still gets its answer.
  std::vector<SlowClient> idle;
  for (int i = 0; i < 300; ++i) idle.emplace_back("127.0.0.2", witd_->port());
  HttpResponse r = Http(witd_->port(), "GET", "/healthz");
  EXPECT_EQ(r.status, 200);
}

TEST_F(AbuseTest, ASlowlorisLeavesTheApiAnsweringPromptly) {
  // 300 connections from one address (more than witd's 256 worker threads), each sending its
  // head a byte at a time, every 300 ms: Poco's idle timeout never fires, and they used to
  // hold every worker thread. The address's share (--max-connections-per-client) bounds what
  // they hold, and the head deadline (--request-header-timeout) ends those it let in.
  std::string git = witd_->ServiceSession("git");
  std::vector<SlowClient> slow;
  for (int i = 0; i < 300; ++i) slow.emplace_back("127.0.0.2", witd_->port());
  const std::string head = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(64, 'a');
  int answered = 0, failed = 0;
  for (size_t b = 0; b < 20; ++b) {  // 6 s of trickling: past the 2 s head deadline
    for (SlowClient& c : slow) c.Send(head.substr(b % head.size(), 1));
    // Someone else's requests, on a connection of their own, answered promptly: a correctness
    // bound well under the head deadline, not a benchmark.
    auto asked = std::chrono::steady_clock::now();
    HttpClient client(witd_->port(), git);
    HttpResponse health = client.TrySend("GET", "/healthz");
    HttpResponse verify = client.TrySend(
        "POST", "/api/tokens/verify", "{\"token\":\"wit_AAAAAAAA_" + std::string(38, 'A') + "\"}");
    bool prompt = std::chrono::steady_clock::now() - asked < std::chrono::milliseconds(1500);
    (health.status == 200 && verify.status == 200 && prompt ? answered : failed) += 1;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  EXPECT_EQ(failed, 0) << answered << " rounds answered";
  std::string metrics = Http(witd_->port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find("wit_http_connections_refused_total "), std::string::npos);
  EXPECT_EQ(metrics.find("wit_http_connections_refused_total 0\n"), std::string::npos) << metrics;
  EXPECT_EQ(metrics.find("wit_http_slow_requests_closed_total 0\n"), std::string::npos) << metrics;
  // The trickling connections let in were closed at the deadline.
  int closed = 0;
  for (SlowClient& c : slow) closed += c.Closed();
  EXPECT_EQ(closed, 300);
}

TEST_F(AbuseTest, FailedVerificationsAreCountedPerClientAddress) {
  std::string git = witd_->ServiceSession("git");
  for (int i = 0; i < 3; ++i) {
    HttpResponse r = Http(witd_->port(), "POST", "/api/tokens/verify",
                          "{\"token\":\"wit_AAAAAAAA_" + std::string(38, 'A') + "\"}", git);
    ASSERT_EQ(r.status, 200);
    EXPECT_FALSE(Json::Parse(r.body).Bool("active"));
  }
  std::string metrics = Http(witd_->port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find("wit_verify_failures_total{client=\"127.0.0.1\"} 3"), std::string::npos)
      << metrics;
}

TEST_F(AbuseTest, IdsThatAreNotUuidsAreNeverLookedUp) {
  std::string alice = witd_->UserSession("alice");
  for (const char* id :
       {"..%2F..%2Fetc%2Fpasswd", "%00", "not-a-uuid", "6f1c2a3e-1111-4aaa-8bbb-123456789abc%20"}) {
    HttpResponse r = Http(witd_->port(), "GET", std::string("/api/tokens/") + id, "", alice);
    EXPECT_TRUE(r.status == 404 || r.status == 400) << id << ": " << r.status;
  }
}

}  // namespace
}  // namespace wit::testing
