#include "ledger/kafka_freshness.h"

#include <algorithm>
#include <cstdio>

#include "base/logging.h"

namespace wit {
namespace {

// How often the confirming thread compares the answers with what the view applied: the delay
// between a catch-up and its partition counting as fresh again.
constexpr std::chrono::milliseconds kConfirmEvery{25};
// Answers kept while the view has not applied them; older ones are dropped first.
constexpr size_t kMaxPending = 64;
// How often the lifecycle topic's partitions are counted.
constexpr std::chrono::seconds kCountEvery{10};

std::string Seconds(int64_t ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ms) / 1000.0);
  return text;
}

}  // namespace

StatusOr<std::unique_ptr<KafkaFreshness>> KafkaFreshness::Start(const KafkaEventLogOptions& kafka,
                                                                const std::string& topic,
                                                                int partitions, AppliedFn applied,
                                                                Options options) {
  if (partitions <= 0) return Status::InvalidArgument("topic " + topic + " has no partitions");
  if (options.bound.count() <= 0) return Status::InvalidArgument("the bound must be positive");
  if (options.probe_interval.count() <= 0) {
    options.probe_interval = std::clamp(options.bound / 5, std::chrono::milliseconds(100),
                                        std::chrono::milliseconds(1000));
  }
  KafkaConfig settings = KafkaClientConfig(kafka);
  // Leaders move: learn a new one soon after a probe fails (librdkafka refreshes on errors,
  // and this bounds the wait when it cannot tell).
  // A request a broker never answers holds its probe until the socket times out: no longer
  // than the bound, after which its answer could make nothing fresh.
  settings.insert(
      settings.begin(),
      {{"topic.metadata.refresh.interval.ms", "2000"},
       {"socket.timeout.ms", std::to_string(std::max<int64_t>(100, options.bound.count()))}});
  StatusOr<RdKafkaConfPtr> conf = MakeKafkaConf(settings);
  if (!conf.ok()) return conf.status();
  StatusOr<RdKafkaPtr> client = NewKafkaHandle(RD_KAFKA_CONSUMER, std::move(*conf));
  if (!client.ok()) return client.status();
  auto shared = std::make_shared<Shared>();
  shared->client = std::move(*client);
  shared->topic = topic;
  shared->options = options;
  for (int32_t p = 0; p < partitions; ++p) {
    shared->partitions.push_back(std::make_unique<Partition>());
    shared->partitions.back()->stream = KafkaStream(topic, p);
  }
  shared->probing = partitions + 1;  // the describing thread counts as one
  for (int32_t p = 0; p < partitions; ++p) std::thread(ProbeLoop, shared, p).detach();
  std::thread(DescribeLoop, shared).detach();
  std::unique_ptr<KafkaFreshness> f(new KafkaFreshness(std::move(shared), std::move(applied)));
  f->confirm_thread_ = std::thread([raw = f.get()] { raw->ConfirmLoop(); });
  return f;
}

KafkaFreshness::KafkaFreshness(std::shared_ptr<Shared> shared, AppliedFn applied)
    : shared_(std::move(shared)), applied_(std::move(applied)) {}

KafkaFreshness::~KafkaFreshness() {
  std::unique_lock<std::mutex> lock(shared_->mu);
  shared_->stopping = true;
  shared_->cv.notify_all();
  lock.unlock();
  confirm_thread_.join();
  // Probes end within their interval, unless one waits on a broker that does not answer.
  lock.lock();
  if (!shared_->cv.wait_for(lock, std::chrono::seconds(2), [&] { return shared_->probing == 0; })) {
    LogWarn("view freshness: " + std::to_string(shared_->probing) +
            " probes still wait on Kafka brokers that do not answer; not waiting for them");
    return;
  }
  lock.unlock();
  // Each thread lets go of the client as it returns: the last hold goes here, so that the
  // client is destroyed on this thread, before the process may exit.
  for (int i = 0; i < 200 && shared_.use_count() > 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

int64_t KafkaFreshness::NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

void KafkaFreshness::ProbeLoop(std::shared_ptr<Shared> shared, int32_t partition) {
  Partition& p = *shared->partitions[partition];
  const int timeout_ms = static_cast<int>(shared->options.bound.count());
  bool failing = false;
  std::unique_lock<std::mutex> lock(shared->mu);
  while (!shared->stopping) {
    lock.unlock();
    auto started = Clock::now();
    int64_t sent_ns = NowNs();
    int64_t low = 0, high = 0;
    // This waits for the leader's answer, however long the connection to it is down; the
    // confirming thread counts the wait as staleness meanwhile.
    rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
        shared->client.get(), shared->topic.c_str(), partition, &low, &high, timeout_ms);
    bool ok = err == RD_KAFKA_RESP_ERR_NO_ERROR && high >= 0;
    if (ok) {
      std::lock_guard<std::mutex> state(p.mu);
      p.highest = std::max(p.highest, high);
      p.pending.push_back({sent_ns, p.highest});
      if (p.pending.size() > kMaxPending) p.pending.pop_front();
    }
    if (!ok && !failing) {
      LogWarn("view freshness: the leader of " + p.stream + " did not answer (" +
              rd_kafka_err2str(err) + ")");
    }
    failing = !ok;
    lock.lock();
    shared->cv.wait_until(lock, started + shared->options.probe_interval,
                          [&] { return shared->stopping; });
  }
  --shared->probing;
  shared->cv.notify_all();
}

void KafkaFreshness::DescribeLoop(std::shared_ptr<Shared> shared) {
  auto next_count = Clock::now();
  std::unique_lock<std::mutex> lock(shared->mu);
  while (true) {
    shared->cv.wait_until(lock, next_count,
                          [&] { return shared->stopping || !shared->to_describe.empty(); });
    if (shared->stopping) break;
    std::vector<int32_t> partitions;
    partitions.swap(shared->to_describe);
    bool count = Clock::now() >= next_count;
    lock.unlock();
    for (int32_t p : partitions) {
      LogWarn("view freshness: " + shared->partitions[p]->stream + " is led by " +
              DescribeLeader(*shared, p));
    }
    if (count) {
      CountPartitions(*shared);
      next_count = Clock::now() + kCountEvery;
    }
    lock.lock();
  }
  --shared->probing;
  shared->cv.notify_all();
}

rd_kafka_resp_err_t KafkaFreshness::TopicMetadata(Shared& shared, RdKafkaMetadataPtr* md) {
  RdKafkaTopicPtr topic(rd_kafka_topic_new(shared.client.get(), shared.topic.c_str(), nullptr));
  const rd_kafka_metadata_t* raw = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(shared.client.get(), 0, topic.get(), &raw, 2000);
  md->reset(raw);
  return err;
}

void KafkaFreshness::CountPartitions(Shared& shared) {
  RdKafkaMetadataPtr md;
  rd_kafka_resp_err_t err = TopicMetadata(shared, &md);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR || md->topic_cnt != 1 || md->topics[0].err) return;
  int now = md->topics[0].partition_cnt;
  if (now == static_cast<int>(shared.partitions.size()) || shared.repartitioned.load()) return;
  shared.repartitioned.store(now, std::memory_order_relaxed);
  LogError("view freshness: " + shared.topic + " now has " + std::to_string(now) +
           " partitions, not the " + std::to_string(shared.partitions.size()) +
           " its tokens were placed by: a revocation may now lie on a partition this node does "
           "not read, so no token is answered active. Never change the lifecycle topic's "
           "partition count; restore it and restart every node");
}

std::string KafkaFreshness::DescribeLeader(Shared& shared, int32_t partition) {
  RdKafkaMetadataPtr md;
  rd_kafka_resp_err_t err = TopicMetadata(shared, &md);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return "a leader the cluster could not name (" + std::string(rd_kafka_err2str(err)) + ")";
  }
  for (int t = 0; t < md->topic_cnt; ++t) {
    const rd_kafka_metadata_topic_t& mt = md->topics[t];
    for (int i = 0; i < mt.partition_cnt; ++i) {
      if (mt.partitions[i].id != partition) continue;
      int32_t leader = mt.partitions[i].leader;
      for (int b = 0; b < md->broker_cnt; ++b) {
        if (md->brokers[b].id == leader) {
          return "leader broker " + std::to_string(leader) + " at " + md->brokers[b].host + ":" +
                 std::to_string(md->brokers[b].port);
        }
      }
      return "leader broker " + std::to_string(leader);
    }
  }
  return "a leader the cluster could not name";
}

void KafkaFreshness::ConfirmLoop() {
  std::unique_lock<std::mutex> lock(shared_->mu);
  while (!shared_->stopping) {
    lock.unlock();
    // Serves the client's error events, which would otherwise pile up while a broker is away.
    rd_kafka_poll(shared_->client.get(), 0);
    Confirm();
    lock.lock();
    shared_->cv.wait_for(lock, kConfirmEvery, [&] { return shared_->stopping; });
  }
}

void KafkaFreshness::Confirm() {
  LogPositions applied = applied_();
  int64_t now_ns = NowNs();
  const int64_t bound_ms = shared_->options.bound.count();
  for (size_t i = 0; i < shared_->partitions.size(); ++i) {
    Partition& p = *shared_->partitions[i];
    auto it = applied.find(p.stream);
    int64_t done = it == applied.end() ? 0 : static_cast<int64_t>(it->second);
    bool behind = false;
    {
      std::lock_guard<std::mutex> lock(p.mu);
      // Watermarks only grow along the queue, so the applied answers are its front.
      while (!p.pending.empty() && p.pending.front().high <= done) {
        p.fresh_ns.store(p.pending.front().sent_ns, std::memory_order_relaxed);
        p.pending.pop_front();
      }
      behind = !p.pending.empty();
    }
    int64_t stale_ms = StaleMs(p, now_ns);
    // A partition not yet known complete is only starting: /readyz says so, the log does not.
    bool stale = stale_ms > bound_ms;
    if (stale == p.reported_stale) continue;
    p.reported_stale = stale;
    if (!stale) {
      LogInfo("view of " + p.stream + " is fresh again");
      continue;
    }
    LogWarn("view of " + p.stream + " is stale: last known complete " + Seconds(stale_ms) +
            " ago, bound " + std::to_string(bound_ms) + " ms; " +
            (behind ? "its leader answered, but this node has not applied what it holds"
                    : "its leader has not answered") +
            ". Checks of its active tokens answer 503 until it is fresh again");
    std::lock_guard<std::mutex> lock(shared_->mu);
    shared_->to_describe.push_back(static_cast<int32_t>(i));
    shared_->cv.notify_all();
  }
}

int64_t KafkaFreshness::StaleMs(const Partition& p, int64_t now_ns) const {
  int64_t fresh = p.fresh_ns.load(std::memory_order_relaxed);
  if (fresh == 0) return -1;
  return std::max<int64_t>(0, (now_ns - fresh) / 1000000);
}

Status KafkaFreshness::CheckToken(const std::string& token_id) const {
  if (Status moved = Repartitioned(); !moved.ok()) {
    refusals_.fetch_add(1, std::memory_order_relaxed);
    return moved;
  }
  const Partition& p = *shared_->partitions[LifecyclePartition(
      token_id, static_cast<int32_t>(shared_->partitions.size()))];
  int64_t stale_ms = StaleMs(p, NowNs());
  if (stale_ms >= 0 && stale_ms <= shared_->options.bound.count()) return Status::OK();
  refusals_.fetch_add(1, std::memory_order_relaxed);
  return Status::Unavailable("this node's view of " + p.stream + " may be stale (" +
                             (stale_ms < 0 ? std::string("not yet known complete")
                                           : "last known complete " + Seconds(stale_ms) + " ago") +
                             ", bound " + std::to_string(shared_->options.bound.count()) +
                             " ms), so it cannot tell whether the token was revoked");
}

Status KafkaFreshness::Repartitioned() const {
  int now = shared_->repartitioned.load(std::memory_order_relaxed);
  if (now == 0) return Status::OK();
  return Status::Unavailable(shared_->topic + " has " + std::to_string(now) +
                             " partitions, not the " + std::to_string(shared_->partitions.size()) +
                             " its tokens were placed by");
}

Status KafkaFreshness::AllFresh() const {
  if (Status moved = Repartitioned(); !moved.ok()) return moved;
  int64_t now_ns = NowNs();
  const Partition* worst = nullptr;
  int64_t worst_ms = 0;
  for (const auto& p : shared_->partitions) {
    int64_t ms = StaleMs(*p, now_ns);
    if (ms >= 0 && ms <= shared_->options.bound.count()) continue;
    if (!worst || ms < 0 || (worst_ms >= 0 && ms > worst_ms)) {
      worst = p.get();
      worst_ms = ms;
    }
  }
  if (!worst) return Status::OK();
  return Status::Unavailable("the view of " + worst->stream + " is stale (" +
                             (worst_ms < 0 ? std::string("not yet known complete")
                                           : "last known complete " + Seconds(worst_ms) + " ago") +
                             ", bound " + std::to_string(shared_->options.bound.count()) + " ms)");
}

std::map<std::string, int64_t> KafkaFreshness::StalenessMs() const {
  int64_t now_ns = NowNs();
  std::map<std::string, int64_t> out;
  for (const auto& p : shared_->partitions) out[p->stream] = StaleMs(*p, now_ns);
  return out;
}

}  // namespace wit
