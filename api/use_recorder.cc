#include "api/use_recorder.h"

#include <algorithm>
#include <iterator>
#include <vector>

#include "base/logging.h"

namespace wit {
namespace {
constexpr auto kRetryWait = std::chrono::milliseconds(200);
constexpr size_t kMaxBatch = 1024;
}  // namespace

UseRecorder::UseRecorder(EventLog* log, Mode mode, Metrics* metrics)
    : log_(log), mode_(mode), metrics_(metrics) {
  thread_ = std::thread([this] { Run(); });
}

UseRecorder::~UseRecorder() { Stop(); }

Status UseRecorder::RecordDurably(const Event& event) {
  StatusOr<LogPosition> pos = log_->Append(event);
  if (!pos.ok()) return pos.status();
  metrics_->Increment("wit_events_appended_total", {{"type", EventTypeName(event.type)}});
  return Status::OK();
}

Status UseRecorder::Record(const Event& event) {
  if (mode_ == Mode::kSync) return RecordDurably(event);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Status::Unavailable("server is shutting down");
    if (queue_.size() + in_flight_ >= kMaxQueued) {
      return Status::Unavailable("use-audit queue is full: the event log is not keeping up");
    }
    queue_.push_back({event, nullptr});
  }
  cv_.notify_one();
  return Status::OK();
}

void UseRecorder::RecordThen(Event event, Done done) {
  std::unique_lock<std::mutex> lock(mu_);
  if (stopping_ || queue_.size() + in_flight_ >= kMaxQueued) {
    Status refused =
        stopping_ ? Status::Unavailable("server is shutting down")
                  : Status::Unavailable("use-audit queue is full: the event log is not keeping up");
    lock.unlock();
    done(refused);
    return;
  }
  queue_.push_back({std::move(event), std::move(done)});
  lock.unlock();
  cv_.notify_one();
}

void UseRecorder::Stop(std::chrono::milliseconds drain_timeout) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    drain_deadline_ = std::chrono::steady_clock::now() + drain_timeout;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

size_t UseRecorder::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size() + in_flight_;
}

void UseRecorder::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping and drained
    // Everything queued goes in one batch: one fsync however many uses piled up. The lock is
    // held only to move the batch out: request threads queue their uses under it, and a copy
    // of a thousand events made them wait (a profile showed them asleep on it).
    size_t n = std::min(queue_.size(), kMaxBatch);
    std::vector<Queued> taken(
        std::make_move_iterator(queue_.begin()),
        std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(n)));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    in_flight_ = n;
    lock.unlock();
    std::vector<Event> batch;
    batch.reserve(n);
    for (Queued& q : taken) batch.push_back(std::move(q.event));
    std::vector<bool> durable;
    Status s = log_->AppendBatch(batch, &durable);
    // Tell what is written, and what a RecordThen waits on; keep the rest, in order, for the
    // retry: a batch Kafka wrote in part is not written twice.
    auto written_at = [&durable](size_t i) { return i < durable.size() && durable[i]; };
    std::vector<Queued> kept;
    size_t written = 0;
    for (size_t i = 0; i < n; ++i) {
      if (written_at(i)) {
        ++written;
      } else if (!taken[i].done) {
        kept.push_back({std::move(batch[i]), nullptr});
      }
    }
    // Without the lock: /metrics reads queued() while holding the metrics' own lock.
    if (written > 0) {
      metrics_->Increment("wit_events_appended_total", {{"type", "token.used"}}, written);
    }
    for (size_t i = 0; i < n; ++i) {
      if (!taken[i].done) continue;
      taken[i].done(written_at(i) ? Status::OK()
                                  : (s.ok() ? Status::Unavailable("not written") : s));
    }
    lock.lock();
    // Before what was queued meanwhile: only this thread takes from the queue.
    queue_.insert(queue_.begin(), std::make_move_iterator(kept.begin()),
                  std::make_move_iterator(kept.end()));
    in_flight_ = 0;
    if (s.ok()) continue;
    if (stopping_ && std::chrono::steady_clock::now() >= drain_deadline_) {
      LogError("use-audit: " + std::to_string(queue_.size()) +
               " token.used events could not be written before shutdown: " + s.message());
      std::deque<Queued> left = std::move(queue_);
      queue_.clear();
      lock.unlock();
      for (Queued& q : left) {
        if (q.done) q.done(Status::Unavailable("server is shutting down"));
      }
      return;
    }
    // Every use of the batch not written was a waiter's, told already: nothing to retry, and
    // the next batch (other requests) tries the log at once, as each request did on its own.
    if (kept.empty()) continue;
    LogWarn("use-audit: event log unavailable, will retry: " + s.message());
    cv_.wait_for(lock, kRetryWait);
  }
}

}  // namespace wit
