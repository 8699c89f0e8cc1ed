#include "api/use_recorder.h"

#include "ledger/logging.h"

namespace wit {
namespace {
constexpr auto kRetryWait = std::chrono::milliseconds(200);
}  // namespace

UseRecorder::UseRecorder(EventLog* log, Mode mode, Metrics* metrics)
    : log_(log), mode_(mode), metrics_(metrics) {
  if (mode_ == Mode::kAsync) thread_ = std::thread([this] { Run(); });
}

UseRecorder::~UseRecorder() { Stop(); }

Status UseRecorder::Record(const Event& event) {
  if (mode_ == Mode::kSync) {
    StatusOr<LogPosition> pos = log_->Append(event);
    if (!pos.ok()) return pos.status();
    metrics_->Increment("wit_events_appended_total", {{"type", EventTypeName(event.type)}});
    return Status::OK();
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Status::Unavailable("server is shutting down");
    if (queue_.size() >= kMaxQueued) {
      return Status::Unavailable("use-audit queue is full: the event log is not keeping up");
    }
    queue_.push_back(event);
  }
  cv_.notify_one();
  return Status::OK();
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
    Event event = queue_.front();
    lock.unlock();
    StatusOr<LogPosition> pos = log_->Append(event);
    lock.lock();
    if (pos.ok()) {
      queue_.pop_front();
      metrics_->Increment("wit_events_appended_total", {{"type", EventTypeName(event.type)}});
      continue;
    }
    if (stopping_ && std::chrono::steady_clock::now() >= drain_deadline_) {
      LogError("use-audit: " + std::to_string(queue_.size()) +
               " token.used events could not be written before shutdown: " +
               pos.status().message());
      return;
    }
    LogWarn("use-audit: event log unavailable, will retry: " + pos.status().message());
    cv_.wait_for(lock, kRetryWait);
  }
}

}  // namespace wit
