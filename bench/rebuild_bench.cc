// bench_rebuild: how fast the projector rebuilds the token view from the event log. It writes a
// log of --events N realistic events (about 10% token.created, 85% token.used, 5% token.revoked
// over N/10 tokens of about 1000 users) through EmbeddedEventLog from 64 threads at once, so
// group commit batches them; then it opens a fresh TokenView, starts a Projector on it and times
// it until the last event is applied, once keeping the streams' Merkle trees (as witd does) and
// once without them, so the tree's upkeep per record is their difference, in the same run.
//
// Baseline, in the same run and on the same disk: RocksDB loading N keys with ~250-byte values
// into another fresh DB in WriteBatches of 4096, with the view's options (ViewStorageOptions: its
// 8 MiB memtable, LZ4, bloom filters, level-0 trigger) and default write options, i.e. the storage
// work a rebuild cannot go below; and the same load with RocksDB's default 64 MiB memtable (no
// bloom filter over it), which the baseline used before 2026-12-02. Goal: rebuild rate >= 0.25 x
// the baseline's, against both. The time to write the log is printed too, for information.
//
//   bench_rebuild [--events N] [--threads T]
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "base/random.h"
#include "bench/bench_main.h"
#include "bench/bench_stats.h"
#include "bench/event_mix.h"
#include "ledger/embedded_event_log.h"
#include "ledger/event_codec.h"
#include "projector/projector.h"
#include "projector/token_view.h"
#include "token/token.h"

namespace wit::bench {
namespace {

constexpr double kGoalRatio = 0.25;
constexpr size_t kBaselineBatch = 4096;
constexpr size_t kBaselineValueBytes = 250;
constexpr size_t kViewWriteBuffer = 8 << 20;      // TokenView::Open's
constexpr size_t kDefaultWriteBuffer = 64 << 20;  // RocksDB's default
constexpr auto kRebuildTimeout = std::chrono::hours(1);

struct Options {
  int64_t events = 1000000;
  int threads = 64;
};

struct LogStats {
  double seconds = 0;
  size_t created = 0, used = 0, revoked = 0;
  uint64_t payload_bytes = 0;
  std::atomic<size_t> failures{0};
  std::string first_error;
};

// GenerateLog appends `opt.events` events from `opt.threads` threads, each with its own mix.
void GenerateLog(EmbeddedEventLog* log, const EventAuthenticator& auth, const Options& opt,
                 LogStats* stats) {
  std::mutex mu;
  std::vector<std::thread> threads;
  Stopwatch wall;
  for (int t = 0; t < opt.threads; ++t) {
    int64_t share = opt.events / opt.threads + (t < opt.events % opt.threads ? 1 : 0);
    threads.emplace_back([&, t, share] {
      EventMix mix(static_cast<uint64_t>(t) + 1);
      uint64_t bytes = 0;
      for (int64_t i = 0; i < share; ++i) {
        Event event = mix.Next();
        std::string payload = EncodeEvent(event);
        bytes += payload.size();
        // Signed as witd signs them, so that the projector applies every lifecycle event.
        std::string mac = event.type == EventType::kUsed ? "" : auth.Sign(payload);
        StatusOr<uint64_t> offset = log->AppendPayload(std::move(payload), std::move(mac));
        if (!offset.ok() && stats->failures++ == 0) {
          std::lock_guard<std::mutex> lock(mu);
          stats->first_error = offset.status().message();
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      stats->created += mix.created();
      stats->used += mix.used();
      stats->revoked += mix.revoked();
      stats->payload_bytes += bytes;
    });
  }
  for (auto& th : threads) th.join();
  stats->seconds = wall.Seconds();
}

struct RebuildResult {
  bool done = false;
  double seconds = 0;
  uint64_t applied = 0;
  uint64_t skipped = 0;
  size_t tokens = 0;  // tokens in the rebuilt view
  std::string error;
};

// TimeRebuild projects the whole log into a fresh view in `dir`, timed from the projector's
// start until the view has applied the last of `events`.
RebuildResult TimeRebuild(EventLog* log, const std::string& dir, int64_t events,
                          std::shared_ptr<const EventAuthenticator> auth, Projector::Trees trees) {
  RebuildResult r;
  StatusOr<std::unique_ptr<TokenView>> view = TokenView::Open(dir);
  if (!view.ok()) {
    r.error = view.status().message();
    return r;
  }
  Projector projector(log, view->get(), std::move(auth), trees);
  Stopwatch wall;
  if (Status s = projector.Start(); !s.ok()) {
    r.error = s.message();
    return r;
  }
  LogPosition last{EmbeddedEventLog::kStream, static_cast<uint64_t>(events - 1)};
  r.done = (*view)->WaitApplied(last, kRebuildTimeout);
  r.seconds = wall.Seconds();
  projector.Stop();
  r.applied = projector.applied();
  r.skipped = projector.skipped();
  r.tokens = (*view)->ListAll().size();
  if (!r.done) r.error = "the view did not catch up within an hour";
  return r;
}

// BaselineOptions are TokenView::Open's RocksDB options (ViewStorageOptions) with a memtable of
// `write_buffer` bytes. At RocksDB's default 64 MiB the bloom filter over the memtable is left
// out: it is sized by the memtable (0.05 of it), so it would slow that load by itself.
rocksdb::Options BaselineOptions(size_t write_buffer) {
  rocksdb::Options options = ViewStorageOptions();
  options.write_buffer_size = write_buffer;
  if (write_buffer != kViewWriteBuffer) {
    options.memtable_prefix_bloom_size_ratio = 0;
    options.memtable_whole_key_filtering = false;
  }
  return options;
}

// RandomText returns `n` random alphanumeric characters (the keys and values of the baseline).
std::string RandomText(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = kBase62Alphabet[rng() % (sizeof(kBase62Alphabet) - 1)];
  return s;
}

struct BaselineResult {
  double seconds = 0;
  std::string error;
};

// TimeBaselineLoad writes `keys` random "t/<36 chars>" keys with 250-byte values into a fresh
// DB in `dir` with BaselineOptions(write_buffer), in batches of 4096; the keys and values
// are made before the clock starts.
BaselineResult TimeBaselineLoad(const std::string& dir, int64_t keys, size_t write_buffer) {
  BaselineResult r;
  std::mt19937_64 rng(42);
  std::vector<std::string> key_list(static_cast<size_t>(keys));
  for (auto& k : key_list) k = "t/" + RandomText(rng, 36);
  std::vector<std::string> values;
  values.reserve(64);
  for (int i = 0; i < 64; ++i) values.push_back(RandomText(rng, kBaselineValueBytes));

  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(BaselineOptions(write_buffer), dir, &raw);
  if (!s.ok()) {
    r.error = s.ToString();
    return r;
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  Stopwatch wall;
  for (size_t start = 0; start < key_list.size() && s.ok(); start += kBaselineBatch) {
    rocksdb::WriteBatch batch;
    size_t end = std::min(key_list.size(), start + kBaselineBatch);
    for (size_t i = start; i < end; ++i) batch.Put(key_list[i], values[i % values.size()]);
    s = db->Write(rocksdb::WriteOptions(), &batch);
  }
  r.seconds = wall.Seconds();
  if (!s.ok()) r.error = s.ToString();
  db->Close().PermitUncheckedError();
  return r;
}

void ReportLog(const Options& opt, const LogStats& log) {
  std::printf(
      "log: %lld events = %zu token.created + %zu token.used + %zu token.revoked, "
      "%.0f bytes/event on average\n",
      static_cast<long long>(opt.events), log.created, log.used, log.revoked,
      static_cast<double>(log.payload_bytes) / static_cast<double>(opt.events));
  PrintFigure("generate the log (informational)", log.seconds, "s", 2);
  PrintFigure("  append rate, " + std::to_string(opt.threads) + " threads",
              static_cast<double>(opt.events) / log.seconds, "events/s", 0);
}

void ReportRebuild(const Options& opt, const LogStats& log, const RebuildResult& rebuild,
                   const RebuildResult& treeless, const BaselineResult& view_like,
                   const BaselineResult& defaults) {
  auto n = static_cast<double>(opt.events);
  double rebuild_rate = n / rebuild.seconds;
  double treeless_rate = n / treeless.seconds;
  double view_like_rate = n / view_like.seconds;
  double defaults_rate = n / defaults.seconds;
  std::printf("rebuild: fresh TokenView + Projector until the last event is applied\n");
  PrintFigure("rebuild time", rebuild.seconds, "s", 2);
  PrintFigure("rebuild rate", rebuild_rate, "events/s", 0);
  std::printf("the Merkle tree's upkeep: the same rebuild without it (Trees::kSkippedForBench)\n");
  PrintFigure("rebuild rate without the tree", treeless_rate, "events/s", 0);
  PrintFigure("with / without", rebuild_rate / treeless_rate, "x", 3);
  PrintFigure("tree upkeep per record", (1 / rebuild_rate - 1 / treeless_rate) * 1e6, "us", 2);
  std::printf("  applied %llu, skipped %llu; the view holds %zu tokens (the log created %zu)\n",
              static_cast<unsigned long long>(rebuild.applied),
              static_cast<unsigned long long>(rebuild.skipped), rebuild.tokens, log.created);
  std::printf("baseline: RocksDB WriteBatch load of %lld keys, %zu-byte values, batches of %zu\n",
              static_cast<long long>(opt.events), kBaselineValueBytes, kBaselineBatch);
  PrintFigure("load rate, the view's 8 MiB memtable", view_like_rate, "keys/s", 0);
  PrintFigure("load rate, RocksDB's default 64 MiB", defaults_rate, "keys/s", 0);
  std::printf("ratio against the baseline\n");
  PrintFigure("rebuild / load (view's memtable)", rebuild_rate / view_like_rate, "x", 3);
  PrintFigure("rebuild / load (default memtable)", rebuild_rate / defaults_rate, "x", 3);
  std::printf("goals\n");
  PrintGoal("rebuild / baseline (view's options) >= 0.25",
            Fixed(rebuild_rate / view_like_rate, 3, "x"),
            rebuild_rate / view_like_rate >= kGoalRatio);
  PrintGoal("rebuild / baseline (default memtable) >= 0.25",
            Fixed(rebuild_rate / defaults_rate, 3, "x"),
            rebuild_rate / defaults_rate >= kGoalRatio);
}

int Run(const Options& opt) {
  PrintHeader("bench_rebuild: projector rebuild of a " + std::to_string(opt.events) + "-event log");
  ScratchDir dir("rebuild");
  auto auth = std::make_shared<const EventAuthenticator>(RandomBytes(32));
  StatusOr<std::unique_ptr<EmbeddedEventLog>> log =
      EmbeddedEventLog::Open(dir.path() + "/log", auth);
  if (!log.ok()) {
    std::fprintf(stderr, "cannot open the log: %s\n", log.status().message().c_str());
    return 1;
  }
  LogStats stats;
  GenerateLog(log->get(), *auth, opt, &stats);
  ReportLog(opt, stats);
  if (stats.failures > 0) {
    std::printf("FAILED: %zu appends failed, first: %s\n", stats.failures.load(),
                stats.first_error.c_str());
    return 1;
  }
  std::fflush(stdout);
  RebuildResult rebuild =
      TimeRebuild(log->get(), dir.path() + "/view", opt.events, auth, Projector::Trees::kKept);
  RebuildResult treeless = TimeRebuild(log->get(), dir.path() + "/view-treeless", opt.events, auth,
                                       Projector::Trees::kSkippedForBench);
  BaselineResult view_like =
      TimeBaselineLoad(dir.path() + "/baseline", opt.events, kViewWriteBuffer);
  BaselineResult defaults =
      TimeBaselineLoad(dir.path() + "/baseline-defaults", opt.events, kDefaultWriteBuffer);
  if (!rebuild.error.empty() || !treeless.error.empty() || !view_like.error.empty() ||
      !defaults.error.empty()) {
    std::printf("FAILED: %s%s%s%s\n", rebuild.error.c_str(), treeless.error.c_str(),
                view_like.error.c_str(), defaults.error.c_str());
    return 1;
  }
  ReportRebuild(opt, stats, rebuild, treeless, view_like, defaults);
  if (rebuild.skipped > 0 || rebuild.tokens != stats.created || treeless.tokens != stats.created) {
    std::printf("FAILED: the rebuilt view does not match the log\n");
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace wit::bench

int main(int argc, char** argv) {
  wit::bench::Options opt;
  return wit::bench::BenchMain(
      "bench_rebuild", "projector rebuild rate against a plain RocksDB load", argc, argv,
      [&](CLI::App& app) {
        wit::bench::PositiveOption(app, "--events", opt.events, "Events in the log");
        wit::bench::PositiveOption(app, "--threads", opt.threads,
                                   "Threads appending the log concurrently");
      },
      [&] { return wit::bench::Run(opt); });
}
