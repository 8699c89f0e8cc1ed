// HandedOverReply on a real socket pair: what it writes, a client that does not read, and one
// that has gone.
#include "api/handed_over_reply.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

namespace wit {
namespace {

class HandedOverReplyTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds_), 0); }
  void TearDown() override {
    for (int fd : fds_) {
      if (fd >= 0) ::close(fd);
    }
  }

  // ReadAll reads the client's end until the server's side is closed.
  std::string ReadAll() {
    std::string out;
    char buf[65536];
    while (true) {
      ssize_t n = ::read(fds_[1], buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

  int fds_[2] = {-1, -1};  // [0] the server's (handed over), [1] the client's
};

TEST_F(HandedOverReplyTest, WritesTheReplyOnItsOwnDescriptorAndClosesIt) {
  std::shared_ptr<HandedOverReply> handed = HandedOverReply::Make(fds_[0], "HTTP/1.1", true);
  ASSERT_NE(handed, nullptr);
  ::close(fds_[0]);  // as Poco may close its own meanwhile: the connection stays open
  fds_[0] = -1;
  ApiReply reply{503, "{\"error\":{}}"};
  reply.headers.emplace_back("Retry-After", "1");
  handed->Send(reply);
  handed->AwaitSent();          // returns at once: all of it was written
  std::string got = ReadAll();  // EOF: both descriptors are closed now
  EXPECT_EQ(got.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0u) << got;
  EXPECT_NE(got.find("\r\nContent-Type: application/json\r\n"), std::string::npos) << got;
  EXPECT_NE(got.find("\r\nRetry-After: 1\r\n"), std::string::npos) << got;
  EXPECT_NE(got.find("\r\nConnection: Keep-Alive\r\n"), std::string::npos) << got;
  EXPECT_NE(got.find("\r\nDate: "), std::string::npos) << got;
  EXPECT_NE(got.find("\r\nContent-Length: 12\r\n\r\n{\"error\":{}}"), std::string::npos) << got;
  EXPECT_EQ(got.size(), got.find("\r\n\r\n") + 4 + reply.body.size());
}

TEST_F(HandedOverReplyTest, AReplyThatMustCloseSaysSo) {
  std::shared_ptr<HandedOverReply> handed = HandedOverReply::Make(fds_[0], "HTTP/1.1", true);
  ::close(fds_[0]);
  fds_[0] = -1;
  ApiReply reply{200, "{}"};
  reply.close = true;
  handed->Send(reply);
  EXPECT_NE(ReadAll().find("\r\nConnection: Close\r\n"), std::string::npos);
}

// The sender never waits on a client that does not read: a reply the socket does not take at
// once ends the connection, which the client sees as the end of what it is sent.
TEST_F(HandedOverReplyTest, AReplyTheSocketDoesNotTakeAtOnceEndsTheConnection) {
  int small = 4096;
  ASSERT_EQ(::setsockopt(fds_[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
  std::shared_ptr<HandedOverReply> handed = HandedOverReply::Make(fds_[0], "HTTP/1.1", true);
  ApiReply reply{200, std::string(4 << 20, 'x')};
  handed->Send(reply);  // returns although nobody reads: the test would hang otherwise
  handed->AwaitSent();
  std::string got = ReadAll();  // EOF although Poco's descriptor (fds_[0]) is still open
  EXPECT_LT(got.size(), reply.body.size());
  char byte = 0;
  EXPECT_EQ(::recv(fds_[0], &byte, 1, MSG_DONTWAIT), 0) << "the server's side is shut down too";
}

TEST_F(HandedOverReplyTest, AClientThatHasGoneIsNoError) {
  std::shared_ptr<HandedOverReply> handed = HandedOverReply::Make(fds_[0], "HTTP/1.0", false);
  ::close(fds_[1]);
  fds_[1] = -1;
  handed->Send(ApiReply{200, std::string(1 << 20, 'x')});  // EPIPE, not SIGPIPE
  handed->AwaitSent();
}

}  // namespace
}  // namespace wit
