#include "api/connection_guard.h"

#include <Poco/Exception.h>
#include <Poco/Net/TCPServerConnection.h>

#include <functional>
#include <memory>

namespace wit {
namespace {

// How often the watchdog looks for heads that are late.
constexpr std::chrono::milliseconds kWatchEvery{200};

// The guarded connection this thread serves, if any (one connection a thread, first request to
// last, as Poco's server runs them).
thread_local std::function<void(bool waiting)>* t_connection = nullptr;

// Refused closes a connection past its address's share without reading from it.
class Refused : public Poco::Net::TCPServerConnection {
 public:
  using TCPServerConnection::TCPServerConnection;
  void run() override {}
};

}  // namespace

// Guarded runs an inner connection under the guard, and gives its place back at the end.
class ConnectionGuard::Guarded : public Poco::Net::TCPServerConnection {
 public:
  Guarded(const Poco::Net::StreamSocket& socket, ConnectionGuard* guard,
          std::list<Entry>::iterator entry, Poco::Net::TCPServerConnection* inner)
      : TCPServerConnection(socket), guard_(guard), entry_(entry), inner_(inner) {}
  ~Guarded() override { guard_->Release(entry_); }

  void run() override {
    std::function<void(bool)> mark = [this](bool waiting) {
      guard_->SetWaiting(entry_, waiting, guard_->options_.idle + guard_->options_.head_timeout);
    };
    t_connection = &mark;
    try {
      inner_->run();
    } catch (...) {
      t_connection = nullptr;
      throw;
    }
    t_connection = nullptr;
  }

 private:
  ConnectionGuard* guard_;
  std::list<Entry>::iterator entry_;
  std::unique_ptr<Poco::Net::TCPServerConnection> inner_;
};

class ConnectionGuard::Factory : public Poco::Net::TCPServerConnectionFactory {
 public:
  Factory(ConnectionGuard* guard, Poco::Net::TCPServerConnectionFactory::Ptr inner)
      : guard_(guard), inner_(std::move(inner)) {}

  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    auto entry = guard_->Admit(socket);
    if (entry == guard_->live_.end()) return new Refused(socket);
    return new Guarded(socket, guard_, entry, inner_->createConnection(socket));
  }

 private:
  ConnectionGuard* guard_;
  Poco::Net::TCPServerConnectionFactory::Ptr inner_;
};

ConnectionGuard::ConnectionGuard(Options options)
    : options_(options), watchdog_([this] { Watch(); }) {}

ConnectionGuard::~ConnectionGuard() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  watchdog_.join();
}

Poco::Net::TCPServerConnectionFactory::Ptr ConnectionGuard::Wrap(
    Poco::Net::TCPServerConnectionFactory::Ptr inner) {
  return new Factory(this, std::move(inner));
}

void ConnectionGuard::HeadRead() {
  if (t_connection) (*t_connection)(false);
}

void ConnectionGuard::Answered() {
  if (t_connection) (*t_connection)(true);
}

std::list<ConnectionGuard::Entry>::iterator ConnectionGuard::Admit(
    const Poco::Net::StreamSocket& socket) {
  std::string address;
  try {
    address = socket.peerAddress().host().toString();
  } catch (const Poco::Exception&) {
    // Gone before it was served: nothing to guard, nothing to count.
  }
  std::lock_guard<std::mutex> lock(mu_);
  int& count = per_address_[address];
  if (count >= options_.per_client) {
    if (count == 0) per_address_.erase(address);
    refused_.fetch_add(1, std::memory_order_relaxed);
    return live_.end();
  }
  ++count;
  live_.push_back({socket, std::move(address), Clock::now() + options_.head_timeout, true});
  return std::prev(live_.end());
}

void ConnectionGuard::Release(std::list<Entry>::iterator entry) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = per_address_.find(entry->address);
  if (it != per_address_.end() && --it->second <= 0) per_address_.erase(it);
  live_.erase(entry);
}

void ConnectionGuard::SetWaiting(std::list<Entry>::iterator entry, bool waiting,
                                 Clock::duration allowed) {
  std::lock_guard<std::mutex> lock(mu_);
  entry->waiting = waiting;
  if (waiting) entry->deadline = Clock::now() + allowed;
}

void ConnectionGuard::Watch() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, kWatchEvery, [&] { return stopping_; })) {
    auto now = Clock::now();
    for (Entry& e : live_) {
      if (!e.waiting || e.deadline > now) continue;
      e.waiting = false;  // once: the connection ends when its read fails
      timed_out_.fetch_add(1, std::memory_order_relaxed);
      try {
        e.socket.shutdown();  // the worker's blocked read returns, and Poco ends the connection
      } catch (const Poco::Exception&) {
        // Already closed.
      }
    }
  }
}

}  // namespace wit
