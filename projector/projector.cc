#include "projector/projector.h"

#include "ledger/logging.h"

namespace wit {
namespace {

constexpr size_t kBatch = 4096;
constexpr auto kPollWait = std::chrono::milliseconds(100);

}  // namespace

Status Projector::Start() {
  StatusOr<std::unique_ptr<LogReader>> reader = log_->OpenReader(view_->Positions());
  if (!reader.ok()) return reader.status();
  reader_ = std::move(*reader);
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
  return Status::OK();
}

void Projector::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void Projector::Run() {
  std::vector<LogRecord> records;
  while (!stop_) {
    records.clear();
    Status s = reader_->Read(kBatch, kPollWait, &records);
    if (LogPositions end = reader_->KnownEnd(); !end.empty()) {
      std::lock_guard<std::mutex> lock(end_mu_);
      known_end_ = std::move(end);
    }
    if (!s.ok()) {
      LogWarn("projector: log read failed, retrying: " + s.message());
      std::this_thread::sleep_for(kPollWait);
      continue;
    }
    if (records.empty()) continue;
    // A failed write leaves view and position untouched, so the same records are applied
    // again until it succeeds; re-applying is harmless because ApplyEvent is idempotent.
    while (!stop_) {
      TokenView::ApplyStats stats;
      s = view_->Apply(records, &stats);
      if (s.ok()) break;
      LogWarn("projector: view write failed, retrying: " + s.message());
      std::this_thread::sleep_for(kPollWait);
    }
  }
}

int64_t Projector::lag() const {
  LogPositions end;
  {
    std::lock_guard<std::mutex> lock(end_mu_);
    end = known_end_;
  }
  if (end.empty()) return -1;
  LogPositions applied = view_->Positions();
  int64_t lag = 0;
  for (const auto& [stream, offset] : end) {
    uint64_t done = applied.count(stream) ? applied[stream] : 0;
    if (offset > done) lag += static_cast<int64_t>(offset - done);
  }
  return lag;
}

}  // namespace wit
