#ifndef WIT_PROJECTOR_PROJECTOR_H_
#define WIT_PROJECTOR_PROJECTOR_H_

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "ledger/event_auth.h"
#include "ledger/event_log.h"
#include "projector/record_gate.h"
#include "projector/token_view.h"

namespace wit {

// Projector runs one thread that reads the event log from the view's stored position, admits
// each record through a RecordGate (decoded, on a stream that may carry it, lifecycle events
// authenticated) and applies what it admits to the view. A record it skips is counted by
// reason and logged without its payload. A failing view write or log read is logged and
// retried; it never ends the thread.
//
//   Projector p(&log, &view, auth);
//   if (Status s = p.Start(); !s.ok()) ...
//   view.WaitApplied(position, 5s);
//   p.Stop();
class Projector {
 public:
  // REQUIRES: `log` and `view` outlive the projector. `auth` holds the event key (null: no
  // lifecycle event past the log's UnsignedBefore is applied).
  //
  // `trees`: kKept keeps each stream's Merkle tree, its nodes and the event index in the view
  // (what proofs and checkpoints need). kSkippedForBench keeps none: only for measuring what
  // keeping them costs (bench_rebuild, witd serve --bench-skip-log-tree).
  enum class Trees { kKept, kSkippedForBench };
  Projector(EventLog* log, TokenView* view, std::shared_ptr<const EventAuthenticator> auth,
            Trees trees = Trees::kKept)
      : log_(log), view_(view), gate_(log, std::move(auth)), keep_trees_(trees == Trees::kKept) {}
  ~Projector() { Stop(); }
  Projector(const Projector&) = delete;
  Projector& operator=(const Projector&) = delete;

  // Start opens a reader at the view's positions and starts applying.
  Status Start();

  // Stop ends the thread after the batch in hand. Idempotent.
  void Stop();

  // Records applied since the view was opened, and skipped since Start (in all, or for one
  // reason). Both are counted before the view's position moves past the records.
  uint64_t applied() const { return view_->applied_total(); }
  uint64_t skipped() const;
  uint64_t skipped(SkipReason reason) const;

  // Records in the log not yet applied to the view: the log's end as the reader learned it at
  // its last read, less the view's positions now. Never waits on the log. -1 until the reader
  // knows an end.
  int64_t lag() const;

 private:
  void Run();
  // CatchUpTrees brings every stream's tree up to the view's position, reading the records
  // below it again: after a view from before the trees existed, or one whose trees are behind.
  // A stream whose first records the log no longer holds (Kafka's retention) gets no tree.
  void CatchUpTrees();
  // CatchUpWith grows the trees by the records below `want` and stores them; returns whether
  // some stream's tree is still behind.
  bool CatchUpWith(const std::vector<LogRecord>& records, const LogPositions& want);
  // Grow appends `record` to its stream's tree when it is the tree's next leaf, and adds the
  // nodes it completes to *growth.
  void Grow(const LogRecord& record, TreeGrowth* growth);
  // Frontiers adds the frontier of every stream *growth grew.
  void Frontiers(TreeGrowth* growth) const;
  // Admit turns `records` into the events to apply and the positions after them; the records
  // it skips go to *skips (reason → count), logged by LogSkip.
  void Admit(const std::vector<LogRecord>& records, std::vector<Event>* events, LogPositions* next,
             std::array<uint64_t, kSkipReasonCount>* skips, TreeGrowth* growth);
  // LogSkip logs a skipped record: stream, offset and reason, never the payload. At most one
  // line per reason per kSkipLogInterval, so a flood of forged records cannot flood the log.
  void LogSkip(const LogRecord& record, SkipReason reason);

  static constexpr auto kSkipLogInterval = std::chrono::seconds(5);

  EventLog* log_;
  TokenView* view_;
  RecordGate gate_;
  const bool keep_trees_;
  std::unique_ptr<LogReader> reader_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  mutable std::mutex end_mu_;
  LogPositions known_end_;  // guarded by end_mu_
  std::array<std::atomic<uint64_t>, kSkipReasonCount> skipped_{};
  // The projector thread's own: when each reason was last logged, and how many since.
  std::array<std::chrono::steady_clock::time_point, kSkipReasonCount> last_logged_{};
  std::array<uint64_t, kSkipReasonCount> unlogged_{};
  // The projector thread's own: each stream's Merkle tree (of every record, skipped ones too),
  // and the streams that have none (their first records are gone).
  TokenView::Trees trees_;
  std::map<std::string, BottomTile> open_tiles_;  // each stream's tile being filled
  std::set<std::string> untreed_;
};

}  // namespace wit

#endif  // WIT_PROJECTOR_PROJECTOR_H_
