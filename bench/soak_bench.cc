// bench_soak: a long run of mixed load at a steady rate on one witd (embedded log, sync use
// audit). Clients create, verify, revoke and list for 32 users at --rate operations per second
// in all, paced so the rate holds whatever the latency. After a warm-up (RocksDB's memtables
// and caches filling), --seconds of load are measured while witd's VmRSS and RocksDB's buffers
// are sampled every 5 s. Reports: throughput, p50/p99 per kind, the memory samples a minute
// apart, the growth of VmRSS less RocksDB's buffers from the first minute's median to the last
// minute's (goal: under 5%), and acknowledged operations against events in the log, counted by
// wit-audit from the log itself (goal: equal).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "bench/bench_http.h"
#include "bench/bench_main.h"
#include "bench/bench_stats.h"

namespace wit::bench {
namespace {

struct Options {
  int seconds = 600;
  int warmup = 60;
  int rate = 200;
  int clients = 4;
};

// Tally is what the clients were told: every acknowledged operation writes exactly one event
// (create, first revoke, verify of a token that exists), lists write none.
struct Tally {
  std::mutex mu;
  std::vector<double> create_ms, verify_ms, revoke_ms, list_ms;
  uint64_t acknowledged_writes = 0;
  uint64_t operations = 0;
  uint64_t failures = 0;
  std::string first_error;
};

// Each client acts for kUsersPerClient users (round robin) and keeps at most kLivePerUser live
// tokens per user, revoking the oldest to make room: the working set is steady, as a real
// user's handful of tokens is, so a VmRSS that grows is witd's doing and not the data's.
constexpr int kUsersPerClient = 8;
constexpr size_t kLivePerUser = 5;

struct SoakUser {
  std::unique_ptr<testing::HttpClient> http;
  std::deque<std::pair<std::string, std::string>> live;  // id, plaintext; oldest first
};

void Client(uint16_t port, const std::vector<std::string>& sessions, const std::string& git, int id,
            double per_second, const std::atomic<bool>& stop, const std::atomic<bool>& measuring,
            Tally* tally) {
  std::vector<SoakUser> users(sessions.size());
  for (size_t u = 0; u < sessions.size(); ++u) {
    users[u].http = std::make_unique<testing::HttpClient>(port, sessions[u]);
  }
  testing::HttpClient service(port, git);
  std::mt19937 rng(static_cast<uint32_t>(id));
  auto interval = std::chrono::duration<double>(1.0 / per_second);
  auto next = std::chrono::steady_clock::now();
  for (int n = 0; !stop; ++n) {
    next += std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval);
    std::this_thread::sleep_until(next);
    SoakUser& user = users[static_cast<size_t>(n) % users.size()];
    // 15% create, 15% revoke, 60% verify, 10% list.
    int op = static_cast<int>(rng() % 20);
    Stopwatch w;
    testing::HttpResponse r;
    std::vector<double>* latencies = nullptr;
    bool writes = true;
    bool create = user.live.empty() || (op < 3 && user.live.size() < kLivePerUser);
    bool revoke = !create && op < 6;
    if (create) {
      r = user.http->TrySend(
          "POST", "/api/tokens",
          "{\"name\":\"soak-" + std::to_string(id) + "-" + std::to_string(n) + "\"}");
      latencies = &tally->create_ms;
      if (r.status == 201) {
        user.live.emplace_back(JsonStringField(r.body, "id"), JsonStringField(r.body, "token"));
      }
    } else if (revoke) {
      // The oldest live token: each revocation is a first one (one event).
      r = user.http->TrySend("DELETE", "/api/tokens/" + user.live.front().first);
      user.live.pop_front();
      latencies = &tally->revoke_ms;
    } else if (op < 18) {
      r = service.TrySend("POST", "/api/tokens/verify",
                          "{\"token\":\"" + user.live[rng() % user.live.size()].second + "\"}");
      latencies = &tally->verify_ms;
    } else {
      r = user.http->TrySend("GET", "/api/tokens");
      latencies = &tally->list_ms;
      writes = false;
    }
    double ms = w.Millis();
    std::lock_guard<std::mutex> lock(tally->mu);
    bool ok = r.status >= 200 && r.status < 300;
    if (ok && writes) ++tally->acknowledged_writes;
    if (!measuring) continue;
    ++tally->operations;
    latencies->push_back(ms);
    if (!ok && tally->failures++ == 0) tally->first_error = std::to_string(r.status) + " " + r.body;
  }
}

// RocksDbKb reads witd's wit_rocksdb_memory_bytes (memtables, block cache, table readers: the
// buffers RocksDB bounds itself) from /metrics, in KiB; -1 if it cannot.
long RocksDbKb(uint16_t port) {
  double bytes = MetricValue(Metrics(port), "wit_rocksdb_memory_bytes");
  return bytes < 0 ? -1 : static_cast<long>(bytes / 1024.0);
}

// A memory sample of witd, taken every kSampleSeconds of the measured phase.
constexpr int kSampleSeconds = 5;
struct MemorySample {
  int second = 0;  // into the measured phase
  long rss_kb = 0;
  long rocksdb_kb = 0;
};

// SampleMemory samples witd's VmRSS and RocksDB buffers until `seconds` of `phase` have passed,
// from its start to its end.
std::vector<MemorySample> SampleMemory(pid_t pid, uint16_t port, int seconds,
                                       const Stopwatch& phase) {
  std::vector<MemorySample> samples;
  for (int second = 0;; second += kSampleSeconds) {
    second = std::min(second, seconds);
    std::this_thread::sleep_for(std::chrono::duration<double>(second - phase.Seconds()));
    samples.push_back({second, ProcStatusKb(pid, "VmRSS"), RocksDbKb(port)});
    if (second == seconds) return samples;
  }
}

// MedianRestKb is the median of VmRSS less RocksDB's buffers over the samples in [from, to]
// seconds; -1 if there are none or one could not be read.
long MedianRestKb(const std::vector<MemorySample>& samples, int from, int to) {
  std::vector<long> rest;
  for (const MemorySample& m : samples) {
    if (m.second < from || m.second > to) continue;
    if (m.rocksdb_kb < 0 || m.rss_kb < 0) return -1;
    rest.push_back(m.rss_kb - m.rocksdb_kb);
  }
  if (rest.empty()) return -1;
  std::nth_element(rest.begin(), rest.begin() + static_cast<long>(rest.size() / 2), rest.end());
  return rest[rest.size() / 2];
}

uint64_t EventsInLog(const std::string& data_dir) {
  testing::CommandResult r = testing::RunCommand(
      testing::BinDir() + "/wit-audit replay --format jsonl --data-dir " + data_dir + " | wc -l");
  return r.exit_code == 0 ? std::stoull(r.out) : 0;
}

// UserSessions issues kUsersPerClient user sessions for each of `clients` clients.
std::vector<std::vector<std::string>> UserSessions(BenchWitd& witd, int clients) {
  std::vector<std::vector<std::string>> sessions(static_cast<size_t>(clients));
  for (int c = 0; c < clients; ++c) {
    for (int u = 0; u < kUsersPerClient; ++u) {
      sessions[static_cast<size_t>(c)].push_back(
          witd.process().UserSession("soak-user-" + std::to_string(c * kUsersPerClient + u)));
    }
  }
  return sessions;
}

// ReportOperations prints the measured phase's rate, failures and latencies.
void ReportOperations(const Tally& tally, double seconds) {
  PrintFigure("operations/s (measured phase)", static_cast<double>(tally.operations) / seconds,
              "ops/s");
  PrintFigure("failed operations", static_cast<double>(tally.failures), "", 0);
  if (tally.failures) std::printf("  first failure: %s\n", tally.first_error.c_str());
  for (auto [name, v] : {std::pair{"create", &tally.create_ms},
                         {"verify", &tally.verify_ms},
                         {"revoke", &tally.revoke_ms},
                         {"list", &tally.list_ms}}) {
    LatencySummary s = Summarize(*v);
    std::printf("  %-34s p50 %.2f ms  p99 %.2f ms  (%zu)\n", name, s.p50_ms, s.p99_ms, s.count);
  }
}

// ReportMemory prints a memory sample a minute, the growth of VmRSS, and the goal on it.
void ReportMemory(const Options& o, const std::vector<MemorySample>& memory) {
  auto mb = [](long kb) { return static_cast<double>(kb) / 1024.0; };
  auto growth = [](long from, long to) {
    return 100.0 * static_cast<double>(to - from) / static_cast<double>(from);
  };
  std::printf("  memory, one sample a minute (seconds into the measured phase):\n");
  for (size_t i = 0; i < memory.size(); i += 60 / kSampleSeconds) {
    if (i + 60 / kSampleSeconds >= memory.size()) i = memory.size() - 1;  // and the last one
    const MemorySample& m = memory[i];
    std::printf("    %4d s  VmRSS %5.1f MB  RocksDB buffers %5.1f MB  the rest %5.1f MB\n",
                m.second, mb(m.rss_kb), mb(m.rocksdb_kb), mb(m.rss_kb - m.rocksdb_kb));
  }
  const MemorySample& first = memory.front();
  const MemorySample& last = memory.back();
  PrintFigure("VmRSS after warm-up", mb(first.rss_kb), "MB");
  PrintFigure("VmRSS at the end", mb(last.rss_kb), "MB");
  PrintFigure("VmRSS growth", growth(first.rss_kb, last.rss_kb), "%", 1);
  // RocksDB's memtables fill and flush, and its block cache fills, up to limits it keeps:
  // memory that grows with them is not memory witd loses. The goal is on the rest. A flush
  // frees a memtable a moment before VmRSS shows it, so each end is the median of a minute.
  long rest_start = MedianRestKb(memory, 0, 60);
  long rest_end = MedianRestKb(memory, o.seconds - 60, o.seconds);
  PrintFigure("VmRSS less RocksDB, first minute", mb(rest_start), "MB");
  PrintFigure("VmRSS less RocksDB, last minute", mb(rest_end), "MB");
  if (o.seconds < 120) {
    PrintGoal("growth of VmRSS less RocksDB < 5%", "n/a (the minutes overlap under 120 s)", false);
  } else {
    double rest_growth = growth(rest_start, rest_end);
    PrintGoal("growth of VmRSS less RocksDB < 5%", Fixed(rest_growth, 1, "%"),
              rest_start > 0 && rest_end > 0 && rest_growth < 5.0);
  }
}

int Run(const Options& o) {
  BenchWitd witd("soak");
  if (!witd.Start()) return 1;
  std::string git = witd.process().ServiceSession("git");
  std::vector<std::vector<std::string>> sessions = UserSessions(witd, o.clients);
  PrintHeader("soak: " + std::to_string(o.rate) + " operations/s for " + std::to_string(o.seconds) +
              " s after " + std::to_string(o.warmup) + " s of warm-up");
  Tally tally;
  std::atomic<bool> stop{false}, measuring{false};
  std::vector<std::thread> clients;
  for (int c = 0; c < o.clients; ++c) {
    clients.emplace_back(Client, witd.port(), std::cref(sessions[static_cast<size_t>(c)]), git, c,
                         static_cast<double>(o.rate) / o.clients, std::cref(stop),
                         std::cref(measuring), &tally);
  }
  std::this_thread::sleep_for(std::chrono::seconds(o.warmup));
  measuring = true;
  Stopwatch phase;
  std::vector<MemorySample> memory =
      SampleMemory(witd.process().pid(), witd.port(), o.seconds, phase);
  measuring = false;
  double seconds = phase.Seconds();
  stop = true;
  for (auto& t : clients) t.join();
  uint64_t events = EventsInLog(witd.process().data_dir());

  ReportOperations(tally, seconds);
  ReportMemory(o, memory);
  PrintGoal("acknowledged writes == events in the log",
            std::to_string(tally.acknowledged_writes) + " vs " + std::to_string(events),
            tally.acknowledged_writes == events);
  return tally.failures == 0 && tally.acknowledged_writes == events ? 0 : 1;
}

}  // namespace
}  // namespace wit::bench

int main(int argc, char** argv) {
  wit::bench::Options o;
  return wit::bench::BenchMain(
      "bench_soak", "a long mixed load at a steady rate", argc, argv,
      [&](CLI::App& app) {
        app.add_option("--seconds", o.seconds, "measured duration (default 600)");
        app.add_option("--warmup", o.warmup, "warm-up before VmRSS is first taken (default 60)");
        app.add_option("--rate", o.rate, "operations per second in all (default 200)");
        app.add_option("--clients", o.clients, "client threads (default 4)");
      },
      [&] { return wit::bench::Run(o); });
}
