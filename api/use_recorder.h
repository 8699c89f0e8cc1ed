#ifndef WIT_API_USE_RECORDER_H_
#define WIT_API_USE_RECORDER_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "api/metrics.h"
#include "ledger/event_log.h"

namespace wit {

// UseRecorder writes token.used events. In sync mode Record returns once the event is durable
// (or with the log's error). In async mode Record queues the event and returns at once; a
// background thread appends queued events in order, retrying while the log is unavailable, so
// no event is dropped silently: a full queue makes Record fail (the caller answers 503) and
// events still queued when Stop gives up are logged with their count. Thread-safe.
//
// RecordThen, in either mode, queues the event with a callback that the background thread
// calls once the batch holding it is durable (or with its error): many requests' events in one
// synced write, and no request thread parked on it. That thread runs in both modes.
class UseRecorder {
 public:
  enum class Mode { kSync, kAsync };
  static constexpr size_t kMaxQueued = 100'000;
  // Done is told whether the event is durable: OK, or why not. It runs on the recorder's thread
  // (or the caller's, when the event could not be queued), so it must not block.
  using Done = std::function<void(const Status&)>;

  // REQUIRES: `log` and `metrics` outlive the recorder (its destructor stops the thread).
  UseRecorder(EventLog* log, Mode mode, Metrics* metrics);
  ~UseRecorder();
  UseRecorder(const UseRecorder&) = delete;
  UseRecorder& operator=(const UseRecorder&) = delete;

  Status Record(const Event& event);

  // RecordDurably appends `event` and returns once it is durable, in either mode: for a
  // decision that must be on record before it is answered (forward auth).
  Status RecordDurably(const Event& event);

  // RecordThen queues `event` and returns; `done` is called exactly once: OK once the event is
  // durable, or the log's error (the event is not retried: whoever waits on it answers with
  // the error), or Unavailable at once when the queue is full or the recorder stopping.
  void RecordThen(Event event, Done done);

  // Stop writes what is queued (retrying for up to `drain_timeout`) and ends the thread; what
  // waits in RecordThen and is not written by then is told Unavailable.
  void Stop(std::chrono::milliseconds drain_timeout = std::chrono::seconds(30));

  // queued returns the events waiting to be written, those being written included.
  size_t queued() const;
  Mode mode() const { return mode_; }

 private:
  void Run();

  EventLog* log_;
  Mode mode_;
  Metrics* metrics_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  struct Queued {
    Event event;
    Done done;  // empty for Record's (async) events, which are retried until written
  };
  std::deque<Queued> queue_;
  size_t in_flight_ = 0;  // taken from queue_ by Run and not yet written or put back
  bool stopping_ = false;
  std::chrono::steady_clock::time_point drain_deadline_;
  std::thread thread_;
};

}  // namespace wit

#endif  // WIT_API_USE_RECORDER_H_
