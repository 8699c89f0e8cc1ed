#ifndef WIT_API_HANDED_OVER_REPLY_H_
#define WIT_API_HANDED_OVER_REPLY_H_

#include <Poco/Net/HTTPResponse.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "api/api_request.h"

namespace wit {

// HandedOverReply sends one HTTP reply on a plain-TCP connection from another thread than the
// one serving it: a sync-audited verify's, written by the use recorder's thread once the use is
// durable, while the connection's own thread has gone back to waiting for the next request.
// It writes on its own duplicate of the connection's descriptor, so that the descriptor stays
// this connection's whatever Poco does with its own meanwhile (closing it frees the number for
// another connection), and the connection is closed only once both are.
//
// Send never blocks. A reply the socket does not take at once (a client that has left kilobytes
// of replies unread) closes the connection, as a send timeout would: nobody is left to write the
// rest, and the sender must not wait on one client. The connection's thread calls AwaitSent
// before it serves the next request, so that replies leave in their requests' order.
// Thread-safe.
//
//   auto handed = HandedOverReply::Make(socket_fd, response.getVersion(), keep_alive);
//   request.deliver = [handed](const ApiReply& r) { handed->Send(r); };
//   ... later, before the next request of this connection:
//   handed->AwaitSent();
class HandedOverReply {
 public:
  // Make duplicates `fd`; null when that fails (serve the request the usual way then).
  static std::shared_ptr<HandedOverReply> Make(int fd, const std::string& version, bool keep_alive);
  ~HandedOverReply();
  HandedOverReply(const HandedOverReply&) = delete;
  HandedOverReply& operator=(const HandedOverReply&) = delete;

  // Send writes `reply` (status line and headers as Poco's HTTPServerResponse writes them)
  // without waiting, and shuts the connection down if the socket does not take all of it. Call
  // once.
  void Send(const ApiReply& reply);

  // AwaitSent waits until Send has been called.
  void AwaitSent();

  // Head returns the status line and headers of `reply` as Poco writes them.
  static std::string Head(const ApiReply& reply, const std::string& version, bool keep_alive);

 private:
  HandedOverReply(int fd, std::string version, bool keep_alive)
      : fd_(fd), version_(std::move(version)), keep_alive_(keep_alive) {}
  void CloseLocked();

  std::mutex mu_;
  std::condition_variable cv_;
  int fd_;  // under mu_; -1 once closed
  const std::string version_;
  const bool keep_alive_;
  bool sent_ = false;  // under mu_: Send has run
};

}  // namespace wit

#endif  // WIT_API_HANDED_OVER_REPLY_H_
