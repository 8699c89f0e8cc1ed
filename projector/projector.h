#ifndef WIT_PROJECTOR_PROJECTOR_H_
#define WIT_PROJECTOR_PROJECTOR_H_

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "ledger/event_auth.h"
#include "ledger/event_log.h"
#include "projector/record_gate.h"
#include "projector/token_view.h"

namespace wit {

// Projector runs two threads in a pipeline. The admitting thread reads the event log from the
// view's stored position and admits each record through a RecordGate (decoded, on a stream that
// may carry it, lifecycle events authenticated), growing the streams' Merkle trees; the
// applying thread writes each admitted batch to the view, while the next batch is read and
// decoded. At most kQueuedBatches wait between them. A record it skips is counted by reason
// and logged without its payload. A failing view write or log read is logged and retried; it
// never ends a thread.
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

  // Stop ends both threads after the batch in hand; batches admitted and not yet applied are
  // dropped (the view's positions are before them, so the next Start reads them again).
  // Idempotent.
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
  // An admitted batch: the events to apply, the positions after its records, its skips and
  // its trees' growth.
  struct Batch {
    std::vector<Event> events;
    LogPositions next;
    std::array<uint64_t, kSkipReasonCount> skips{};
    TreeGrowth growth;
  };

  // Run is the admitting thread: CatchUpTrees, then read, admit and queue batches.
  void Run();
  // ApplyQueued is the applying thread: it applies the queued batches in order.
  void ApplyQueued();
  // Queue hands `batch` to the applying thread, waiting while kQueuedBatches wait; false once
  // stopping.
  bool Queue(Batch batch);
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
  // Admit turns `records` into the events to apply and the positions after them (admitted_
  // moved past them); the records it skips go to batch->skips (reason → count), logged by
  // LogSkip.
  void Admit(const std::vector<LogRecord>& records, Batch* batch);
  // LogSkip logs a skipped record: stream, offset and reason, never the payload. At most one
  // line per reason per kSkipLogInterval, so a flood of forged records cannot flood the log.
  void LogSkip(const LogRecord& record, SkipReason reason);

  static constexpr auto kSkipLogInterval = std::chrono::seconds(5);
  // Admitted batches waiting for the applying thread: enough to keep it busy while the next
  // is read, few enough to bound the memory a rebuild holds.
  static constexpr size_t kQueuedBatches = 2;

  EventLog* log_;
  TokenView* view_;
  RecordGate gate_;
  const bool keep_trees_;
  std::unique_ptr<LogReader> reader_;
  std::thread thread_;        // admitting
  std::thread apply_thread_;  // applying
  std::atomic<bool> stop_{false};
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Batch> queue_;  // guarded by queue_mu_
  // The admitting thread's own: the positions after the last record it admitted, which run
  // ahead of the view's by the batches queued and in hand.
  LogPositions admitted_;
  mutable std::mutex end_mu_;
  LogPositions known_end_;  // guarded by end_mu_
  std::array<std::atomic<uint64_t>, kSkipReasonCount> skipped_{};
  // The admitting thread's own: when each reason was last logged, and how many since.
  std::array<std::chrono::steady_clock::time_point, kSkipReasonCount> last_logged_{};
  std::array<uint64_t, kSkipReasonCount> unlogged_{};
  // The admitting thread's own: each stream's Merkle tree (of every record, skipped ones too),
  // and the streams that have none (their first records are gone).
  TokenView::Trees trees_;
  std::map<std::string, BottomTile> open_tiles_;  // each stream's tile being filled
  std::set<std::string> untreed_;
};

}  // namespace wit

#endif  // WIT_PROJECTOR_PROJECTOR_H_
