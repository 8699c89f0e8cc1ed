#include "api/handed_over_reply.h"

#include <Poco/Timestamp.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>

namespace wit {
namespace {

// SendSome writes from `data` with `flags`, retrying on EINTR; returns how much was written
// and sets *failed when the connection is unusable (not merely full).
size_t SendSome(int fd, const std::string& data, int flags, bool* failed) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd, data.data() + done, data.size() - done, flags | MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    *failed = !(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
    break;
  }
  return done;
}

}  // namespace

std::shared_ptr<HandedOverReply> HandedOverReply::Make(int fd, const std::string& version,
                                                       bool keep_alive) {
  int own = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (own < 0) return nullptr;
  return std::shared_ptr<HandedOverReply>(new HandedOverReply(own, version, keep_alive));
}

HandedOverReply::~HandedOverReply() {
  std::lock_guard<std::mutex> lock(mu_);
  CloseLocked();
}

void HandedOverReply::CloseLocked() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::string HandedOverReply::Head(const ApiReply& reply, const std::string& version,
                                  bool keep_alive) {
  Poco::Net::HTTPResponse head(version,
                               static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
  head.setDate(Poco::Timestamp());
  head.setKeepAlive(keep_alive && !reply.close);
  head.setContentType(reply.content_type);
  for (const auto& [name, value] : reply.headers) head.set(name, value);
  head.setContentLength(static_cast<std::streamsize>(reply.body.size()));
  std::ostringstream out;
  head.write(out);
  return out.str();
}

void HandedOverReply::Send(const ApiReply& reply) {
  std::string bytes = Head(reply, version_, keep_alive_) + reply.body;
  std::lock_guard<std::mutex> lock(mu_);
  bool failed = false;
  size_t done = SendSome(fd_, bytes, MSG_DONTWAIT, &failed);
  // Part of a reply would leave the next one's bytes misread: end the connection instead (the
  // connection's thread sees it at once, and Poco closes its side).
  if (done < bytes.size()) ::shutdown(fd_, SHUT_RDWR);
  CloseLocked();
  sent_ = true;
  cv_.notify_all();
}

void HandedOverReply::AwaitSent() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return sent_; });
}

}  // namespace wit
