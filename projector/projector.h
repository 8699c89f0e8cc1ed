#ifndef WIT_PROJECTOR_PROJECTOR_H_
#define WIT_PROJECTOR_PROJECTOR_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "ledger/event_log.h"
#include "projector/token_view.h"

namespace wit {

// Projector runs one thread that reads the event log from the view's stored position and
// applies every record to the view. A record it cannot decode is skipped and counted. A
// failing view write or log read is logged and retried; it never ends the thread.
//
//   Projector p(&log, &view);
//   if (Status s = p.Start(); !s.ok()) ...
//   view.WaitApplied(position, 5s);
//   p.Stop();
class Projector {
 public:
  Projector(EventLog* log, TokenView* view) : log_(log), view_(view) {}
  ~Projector() { Stop(); }
  Projector(const Projector&) = delete;
  Projector& operator=(const Projector&) = delete;

  // Start opens a reader at the view's positions and starts applying.
  Status Start();

  // Stop ends the thread after the batch in hand. Idempotent.
  void Stop();

  // Records applied and skipped since the view was opened.
  uint64_t applied() const { return view_->applied_total(); }
  uint64_t skipped() const { return view_->skipped_total(); }

  // Records in the log not yet applied to the view: the log's end as the reader learned it at
  // its last read, less the view's positions now. Never waits on the log. -1 until the reader
  // knows an end.
  int64_t lag() const;

 private:
  void Run();

  EventLog* log_;
  TokenView* view_;
  std::unique_ptr<LogReader> reader_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  mutable std::mutex end_mu_;
  LogPositions known_end_;  // guarded by end_mu_
};

}  // namespace wit

#endif  // WIT_PROJECTOR_PROJECTOR_H_
