#ifndef WIT_LEDGER_KAFKA_FRESHNESS_H_
#define WIT_LEDGER_KAFKA_FRESHNESS_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "ledger/event_log.h"
#include "ledger/kafka_handles.h"
#include "ledger/kafka_options.h"
#include "ledger/view_freshness.h"

namespace wit {

// KafkaFreshness is ViewFreshness on Kafka. For each partition of the lifecycle topic a thread
// of its own asks the partition's leader for its high watermark every `probe_interval` (a
// ListOffsets request, rd_kafka_query_watermark_offsets). An answer sent at time T naming
// watermark H says that every record acknowledged before T lies below H; once the view has
// applied the partition up to H, the partition is fresh as of T. Staleness is now minus the
// latest such T. So a partition goes stale when its leader cannot be reached (a partition of
// the network, a dead broker with no new leader yet) and when this node's reader or projector
// falls behind what the leader holds, whichever the cause.
//
// Watermarks are taken as never going back (the highest seen so far counts), so a new leader
// whose high watermark briefly trails its predecessor's cannot make a stale view look fresh.
class KafkaFreshness : public ViewFreshness {
 public:
  struct Options {
    std::chrono::milliseconds bound{5000};  // --max-staleness-ms
    // How often each partition's leader is asked; 0: a fifth of the bound, 100 ms to 1 s.
    std::chrono::milliseconds probe_interval{0};
  };
  // AppliedFn returns the view's positions: per stream, the next offset to apply.
  using AppliedFn = std::function<LogPositions()>;

  // Start makes a client of its own (no group, no writes) and starts probing every partition of
  // `partitions` (a count) of `topic`. Every stream is stale until its first answer is applied.
  // REQUIRES: whatever `applied` reads outlives the object.
  static StatusOr<std::unique_ptr<KafkaFreshness>> Start(const KafkaEventLogOptions& kafka,
                                                         const std::string& topic, int partitions,
                                                         AppliedFn applied, Options options);
  // Stops the threads. One whose probe still waits on a broker that does not answer after
  // 2 s is left to end when its call returns (it holds what it uses).
  ~KafkaFreshness() override;
  KafkaFreshness(const KafkaFreshness&) = delete;
  KafkaFreshness& operator=(const KafkaFreshness&) = delete;

  Status CheckToken(const std::string& token_id) const override;
  Status AllFresh() const override;
  std::map<std::string, int64_t> StalenessMs() const override;
  uint64_t Refusals() const override { return refusals_.load(std::memory_order_relaxed); }

  const Options& options() const { return shared_->options; }

 private:
  using Clock = std::chrono::steady_clock;

  // One probe's answer: when it was sent, and the high watermark (the highest seen so far).
  struct Probe {
    int64_t sent_ns;
    int64_t high;
  };
  // Partition is one lifecycle partition's probes and freshness.
  struct Partition {
    std::string stream;
    std::mutex mu;
    std::deque<Probe> pending;  // answered, not yet applied; oldest first. Guarded by mu.
    int64_t highest = 0;        // guarded by mu
    // Clock time (ns) of the latest probe whose watermark the view has applied; 0: none yet.
    std::atomic<int64_t> fresh_ns{0};
    bool reported_stale = false;  // the confirming thread's own
  };
  // Shared is what the probing threads use. They hold it too: a probe whose broker does not
  // answer can sit in librdkafka until the connection comes back, and the destructor does not
  // wait for that (a node cut off must still stop on SIGTERM); such a thread frees it, and the
  // client, when its call returns.
  struct Shared {
    RdKafkaPtr client;
    std::string topic;
    Options options;
    std::vector<std::unique_ptr<Partition>> partitions;
    std::mutex mu;
    std::condition_variable cv;
    bool stopping = false;             // guarded by mu
    int probing = 0;                   // probe threads still running; guarded by mu
    std::vector<int32_t> to_describe;  // partitions whose leader to log; guarded by mu
    // The lifecycle topic's partition count when it no longer is partitions.size(); 0 while
    // it is. Tokens are placed by that count: once it changes, none is answered active.
    std::atomic<int> repartitioned{0};
  };

  KafkaFreshness(std::shared_ptr<Shared> shared, AppliedFn applied);
  static void ProbeLoop(std::shared_ptr<Shared> shared, int32_t partition);
  static void DescribeLoop(std::shared_ptr<Shared> shared);
  // DescribeLeader returns the partition's leader as the cluster's metadata names it.
  static std::string DescribeLeader(Shared& shared, int32_t partition);
  // TopicMetadata asks the cluster for the lifecycle topic's metadata (2 s at most) into *md.
  static rd_kafka_resp_err_t TopicMetadata(Shared& shared, RdKafkaMetadataPtr* md);
  // CountPartitions asks for the lifecycle topic's partition count and records a change.
  static void CountPartitions(Shared& shared);
  // Repartitioned is Unavailable once the partition count changed.
  Status Repartitioned() const;
  void ConfirmLoop();
  // Confirm marks the partitions fresh as of the latest probe the view has applied, and logs
  // each change between fresh and stale.
  void Confirm();
  int64_t StaleMs(const Partition& p, int64_t now_ns) const;
  static int64_t NowNs();

  std::shared_ptr<Shared> shared_;
  AppliedFn applied_;
  mutable std::atomic<uint64_t> refusals_{0};
  std::thread confirm_thread_;
};

}  // namespace wit

#endif  // WIT_LEDGER_KAFKA_FRESHNESS_H_
