#ifndef WIT_API_CONNECTION_GUARD_H_
#define WIT_API_CONNECTION_GUARD_H_

#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace wit {

// ConnectionGuard keeps slow and greedy clients from holding witd's worker threads, each of
// which serves one connection (Poco's server):
//  - at most `per_client` connections from one address are served at once; a connection past
//    that is closed as soon as a worker takes it, without reading a byte;
//  - a request's head must have arrived `head_timeout` after the connection opened, or after
//    `idle + head_timeout` once the previous request was answered. Poco's own timeout restarts
//    with every byte, so a client sending one byte every few seconds (slowloris) held a thread
//    for as long as it liked; a watchdog now shuts such a socket down.
// Thread-safe.
//
//   ConnectionGuard guard({.per_client = 128, .head_timeout = 10s, .idle = 10s});
//   TCPServer server(guard.Wrap(new HTTPServerConnectionFactory(params, handlers)), ...);
//   // in the request handler: ConnectionGuard::HeadRead(); ...; ConnectionGuard::Answered();
class ConnectionGuard {
 public:
  struct Options {
    int per_client = 128;
    std::chrono::milliseconds head_timeout{10000};
    std::chrono::milliseconds idle{10000};  // the server's keep-alive idle timeout
  };

  explicit ConnectionGuard(Options options);
  // Stops the watchdog. REQUIRES: every connection Wrap made is gone (the server stopped).
  ~ConnectionGuard();
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;

  // Wrap returns a factory that makes `inner`'s connections under this guard.
  Poco::Net::TCPServerConnectionFactory::Ptr Wrap(Poco::Net::TCPServerConnectionFactory::Ptr inner);

  // HeadRead says, on a connection's thread, that its request's head has arrived: no
  // deadline while the request is served. Answered says it was answered: the next request's
  // deadline starts. Both do nothing on a thread that serves no guarded connection.
  static void HeadRead();
  static void Answered();

  uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }
  uint64_t timed_out() const { return timed_out_.load(std::memory_order_relaxed); }

 private:
  using Clock = std::chrono::steady_clock;
  class Factory;
  class Guarded;
  struct Entry {
    Poco::Net::StreamSocket socket;
    std::string address;
    Clock::time_point deadline;  // guarded by mu_
    bool waiting = true;         // a head is awaited; guarded by mu_
  };

  // Admit counts a new connection from `address`: its entry, or end() when the address has
  // `per_client` already.
  std::list<Entry>::iterator Admit(const Poco::Net::StreamSocket& socket);
  void Release(std::list<Entry>::iterator entry);
  void SetWaiting(std::list<Entry>::iterator entry, bool waiting, Clock::duration allowed);
  void Watch();

  Options options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;                   // guarded by mu_
  std::list<Entry> live_;                   // guarded by mu_
  std::map<std::string, int> per_address_;  // guarded by mu_
  std::atomic<uint64_t> refused_{0};
  std::atomic<uint64_t> timed_out_{0};
  std::thread watchdog_;
};

}  // namespace wit

#endif  // WIT_API_CONNECTION_GUARD_H_
