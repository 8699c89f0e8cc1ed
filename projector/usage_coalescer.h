#ifndef WIT_PROJECTOR_USAGE_COALESCER_H_
#define WIT_PROJECTOR_USAGE_COALESCER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ledger/kafka_event_log.h"
#include "ledger/kafka_group_reader.h"
#include "projector/latest_uses.h"
#include "projector/record_gate.h"
#include "projector/token_view.h"

namespace wit {

// UsageCoalescer turns the raw usage topic into <prefix>tokens.lastused, so that a node applies
// lifecycle plus each token's latest uses instead of every use of the fleet. Every node runs
// one, all in one consumer group over the usage topic, so each usage partition is coalesced by
// one node at a time. Every `interval` it writes what LatestUses kept of the uses read since
// (the records' payloads as they are) to the lastused topic, keyed "<tokenId>/<userId>/<ip>" so
// that compaction keeps the latest use of each address (and a use naming another user cannot
// replace the owner's), all of a token's in one partition (KafkaEventLog::LastUsedPartition);
// once they are delivered it commits the usage offsets after them. A crash between the two
// makes the partition's next owner write them again, which the fold takes as it took them once
// (ApplyEvent is idempotent). Before a rebalance takes partitions away it writes and commits
// what it holds, so the next owner's writes come after its own.
//
// Compaction keeps the view a rebuild makes the same as the live one because what is written is
// in time order per token and userId: one owner's writes by LatestUses, and across owners by
// the node's own view. When partitions are assigned to it, a node writes nothing until its view
// has applied the lastused topic (and lifecycle) up to where they ended then, which includes
// every write of the partitions' last owners; from then on it writes only the uses that still
// move the token as its view has it (MovesKnownToken). A late use, older than what an owner
// before it wrote, would otherwise be written again after that newer record, and compaction
// could keep it in the newer one's place: a rebuild would show an older lastUsedAt.
//
// The bound: a use is in every node's lastUsedAt within `interval` plus the lastused write and
// one read, while its partition's owner is alive; when the owner dies, within the group's
// session timeout (10 s) more. Uses are untrusted input: only a token.used the RecordGate
// admits for a usage stream is kept, the rest skipped and counted.
//
//   UsageCoalescer c(log, std::move(*reader), std::chrono::seconds(1));
//   c.Start();
//   ...
//   c.Stop();
class UsageCoalescer {
 public:
  // REQUIRES: `log` (opened with read_lastused) and `view` (which a projector keeps up with
  // `log`) outlive the coalescer; `reader` is a member of the nodes' group over the usage topic.
  UsageCoalescer(KafkaEventLog* log, const TokenView* view,
                 std::unique_ptr<KafkaGroupReader> reader, std::chrono::milliseconds interval);
  ~UsageCoalescer() { Stop(); }
  UsageCoalescer(const UsageCoalescer&) = delete;
  UsageCoalescer& operator=(const UsageCoalescer&) = delete;

  void Start();
  // Stop writes what is kept (one try), commits, and leaves the group. Idempotent.
  void Stop();

  // Counters since Start: usage records read, those skipped (not an admissible use), uses
  // written to lastused, uses not written because the view had a newer use or another user,
  // writes that failed (retried with the next interval), flushes that could not read the view
  // for every use (the rest retried with the next interval), and the usage partitions this
  // node holds now.
  uint64_t read() const { return read_; }
  uint64_t skipped() const { return skipped_; }
  uint64_t written() const { return written_; }
  uint64_t superseded() const { return superseded_; }
  // Usage records of the partitions held not read yet (KafkaGroupReader::Lag), as of the last
  // loop: what to alert on before the usage topic's retention deletes uses not coalesced.
  uint64_t lag() const { return lag_; }
  uint64_t write_failures() const { return write_failures_; }
  uint64_t view_read_failures() const { return view_read_failures_; }
  int partitions() const { return partitions_; }

  // The group every node of a ledger with this topic prefix joins.
  static std::string GroupName(const std::string& topic_prefix) {
    return "witd-lastused-" + topic_prefix;
  }

 private:
  void Run();
  // Flush writes the kept uses (after any a failed write or view read left) and commits the
  // offsets after them; false when the write or a view read failed (what was not written is
  // kept for the next try, and nothing is committed).
  bool Flush();
  // OnRevoke runs inside Read when a rebalance takes partitions: Flush, then forget them.
  void OnRevoke();
  // Watch notes a change of the partitions held, with a log line; new ones make the view catch
  // up before the next write.
  void Watch();
  // ViewCaughtUp reports whether the view has applied the log up to where it ended when
  // partitions were last assigned (learning that end first if need be), waiting up to `wait`.
  bool ViewCaughtUp(std::chrono::milliseconds wait);

  // Uses kept for this many tokens are written before their interval is up, to bound memory.
  static constexpr size_t kMaxTokensKept = 100000;
  static constexpr size_t kReadBatch = 10000;
  static constexpr auto kErrorLogInterval = std::chrono::seconds(10);
  // How long a due write waits for the view to catch up in one loop, and how long a rebalance
  // taking partitions, or Stop, waits for it before leaving the uses to the next owner.
  static constexpr auto kCatchUpWait = std::chrono::milliseconds(100);
  static constexpr auto kRevokeCatchUpWait = std::chrono::seconds(2);

  KafkaEventLog* log_;
  const TokenView* view_;
  std::unique_ptr<KafkaGroupReader> reader_;
  const std::chrono::milliseconds interval_;
  RecordGate gate_;
  // The coalescing thread's own.
  LatestUses latest_;
  LogPositions next_;                // per usage stream, the offset after the last record read
  std::vector<KafkaRecord> unsent_;  // what the last write failed to deliver
  std::vector<LatestUses::Use> unchecked_;  // uses the last Flush could not check: view errors
  std::vector<std::string> assigned_;
  bool catch_up_ = false;                    // partitions came since the view last caught up
  std::optional<LogPositions> catch_up_to_;  // the log's end when they came, once learned
  std::chrono::steady_clock::time_point last_error_log_{};

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
  std::atomic<uint64_t> read_{0}, skipped_{0}, written_{0}, superseded_{0}, write_failures_{0},
      view_read_failures_{0};
  std::atomic<int> partitions_{0};
  std::atomic<uint64_t> lag_{0};
};

}  // namespace wit

#endif  // WIT_PROJECTOR_USAGE_COALESCER_H_
