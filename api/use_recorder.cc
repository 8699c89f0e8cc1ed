#include "api/use_recorder.h"

#include <algorithm>

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
    if (queue_.size() >= kMaxQueued) {
      return Status::Unavailable("use-audit queue is full: the event log is not keeping up");
    }
    queue_.push_back({event, nullptr});
  }
  cv_.notify_one();
  return Status::OK();
}

void UseRecorder::RecordThen(Event event, Done done) {
  std::unique_lock<std::mutex> lock(mu_);
  if (stopping_ || queue_.size() >= kMaxQueued) {
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
  return queue_.size();
}

void UseRecorder::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping and drained
    // Everything queued goes in one batch: one fsync however many uses piled up.
    size_t n = std::min(queue_.size(), kMaxBatch);
    std::vector<Event> batch;
    batch.reserve(n);
    for (size_t i = 0; i < n; ++i) batch.push_back(queue_[i].event);
    lock.unlock();
    std::vector<bool> durable;
    Status s = log_->AppendBatch(batch, &durable);
    lock.lock();
    // Drop what is written, and what a RecordThen waits on (told below); keep the rest in order
    // for the retry: a batch Kafka wrote in part is not written twice. (Only this thread
    // removes from the queue; Record appends.)
    std::vector<std::pair<Done, Status>> told;
    size_t written = 0;
    size_t kept = 0;
    for (size_t i = 0; i < n; ++i) {
      bool ok = i < durable.size() && durable[i];
      if (ok) ++written;
      if (ok || queue_[i].done) {
        if (queue_[i].done) {
          told.emplace_back(std::move(queue_[i].done),
                            ok ? Status::OK() : (s.ok() ? Status::Unavailable("not written") : s));
        }
        continue;
      }
      if (kept != i) queue_[kept] = std::move(queue_[i]);
      ++kept;
    }
    queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(kept),
                 queue_.begin() + static_cast<std::ptrdiff_t>(n));
    // Outside the lock: /metrics reads queued() while holding the metrics' own lock.
    lock.unlock();
    if (written > 0) {
      metrics_->Increment("wit_events_appended_total", {{"type", "token.used"}}, written);
    }
    for (auto& [done, status] : told) done(status);
    lock.lock();
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
    if (kept == 0) continue;
    LogWarn("use-audit: event log unavailable, will retry: " + s.message());
    cv_.wait_for(lock, kRetryWait);
  }
}

}  // namespace wit
