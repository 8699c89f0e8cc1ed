// bench_memory: witd's resident memory with many active tokens. Starts a real witd, creates
// --tokens N active tokens over HTTP from 16 client threads (keep-alive connections), then
// reads VmRSS (and the peak, VmHWM) from /proc/<pid>/status.
//
// Baseline, in the same run: witd's VmRSS right after it started and became ready, before any
// token; the report gives the ratio and the growth per token. Goal: VmRSS <= 200 MB at 100k
// tokens.
//
//   bench_memory [--tokens N] [--clients C]
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_http.h"
#include "bench/bench_main.h"
#include "bench/bench_stats.h"

namespace wit::bench {
namespace {

constexpr double kGoalRssMb = 200.0;
constexpr double kKiBPerMB = 1024.0;

struct Options {
  int tokens = 100000;
  int clients = 16;
};

double DirSizeMb(const std::string& dir) {
  std::error_code ec;
  uintmax_t bytes = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) bytes += it->file_size(ec);
  }
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

// CreateTokens creates `opt.tokens` tokens, split over `opt.clients` keep-alive clients.
PhaseResult CreateTokens(const Options& opt, BenchWitd& witd) {
  std::vector<std::unique_ptr<testing::HttpClient>> clients;
  std::vector<int> per_thread;
  clients.reserve(static_cast<size_t>(opt.clients));
  for (int t = 0; t < opt.clients; ++t) {
    clients.push_back(std::make_unique<testing::HttpClient>(
        witd.port(), witd.process().UserSession("mem-" + std::to_string(t))));
    per_thread.push_back(opt.tokens / opt.clients + (t < opt.tokens % opt.clients ? 1 : 0));
  }
  return RunTimedPhase(per_thread, [&](int t, int i) -> std::string {
    std::string body = R"({"name":"mem-)" + std::to_string(t) + "-" + std::to_string(i) + R"("})";
    testing::HttpResponse r = clients[t]->TrySend("POST", "/api/tokens", body);
    if (r.status == 201) return "";
    return "HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 200);
  });
}

void Report(const Options& opt, long start_kb, long after_kb, long peak_kb,
            const PhaseResult& created, const std::string& data_dir) {
  double start_mb = static_cast<double>(start_kb) / kKiBPerMB;
  double after_mb = static_cast<double>(after_kb) / kKiBPerMB;
  std::printf("baseline: witd right after start (ready, no tokens)\n");
  PrintFigure("VmRSS at start", start_mb, "MB");
  std::printf("witd with %d active tokens\n", opt.tokens);
  PrintLatency("create", created);
  PrintFigure("VmRSS after the creates", after_mb, "MB");
  PrintFigure("VmHWM (peak RSS)", static_cast<double>(peak_kb) / kKiBPerMB, "MB");
  PrintFigure("growth per token",
              static_cast<double>(after_kb - start_kb) * 1024.0 / std::max(opt.tokens, 1), "bytes",
              0);
  PrintFigure("data dir on disk (informational)", DirSizeMb(data_dir), "MB");
  // Per token, measured after witd stopped: the view writes without a WAL, and RocksDB flushes
  // such a memtable when the database closes, so the view's SST files then hold all of it
  // (tokens by hash, id and user, the tree); the log is its WAL and SST files (the events and
  // their index).
  for (const char* part : {"view", "log"}) {
    PrintFigure(std::string(part) + " on disk per token (informational)",
                DirSizeMb(data_dir + "/" + part) * 1024.0 * 1024.0 / std::max(opt.tokens, 1),
                "bytes", 0);
  }
  std::printf("ratio against the baseline\n");
  PrintFigure("VmRSS after / at start", start_mb > 0 ? after_mb / start_mb : 0, "x", 2);
  std::printf("goals\n");
  PrintGoal("VmRSS <= 200 MB at " + std::to_string(opt.tokens) + " tokens",
            Fixed(after_mb, 1, "MB"), after_mb <= kGoalRssMb);
  if (opt.tokens != 100000) std::printf("  (the goal is set for 100000 tokens)\n");
}

int Run(const Options& opt) {
  PrintHeader("bench_memory: witd RSS with " + std::to_string(opt.tokens) +
              " active tokens created by " + std::to_string(opt.clients) + " clients");
  BenchWitd witd("memory");
  if (!witd.Start()) return 1;
  long start_kb = ProcStatusKb(witd.process().pid(), "VmRSS");
  PhaseResult created = CreateTokens(opt, witd);
  long after_kb = ProcStatusKb(witd.process().pid(), "VmRSS");
  long peak_kb = ProcStatusKb(witd.process().pid(), "VmHWM");
  if (start_kb < 0 || after_kb < 0) {
    std::fprintf(stderr, "cannot read /proc/%d/status\n", static_cast<int>(witd.process().pid()));
    return 1;
  }
  witd.process().Stop();
  Report(opt, start_kb, after_kb, peak_kb, created, witd.process().data_dir());
  if (created.failures > 0) {
    std::printf("FAILED: some creates did not succeed (see above)\n");
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace wit::bench

int main(int argc, char** argv) {
  wit::bench::Options opt;
  return wit::bench::BenchMain(
      "bench_memory", "witd's RSS with many active tokens", argc, argv,
      [&](CLI::App& app) {
        wit::bench::PositiveOption(app, "--tokens", opt.tokens, "Active tokens to create");
        wit::bench::PositiveOption(app, "--clients", opt.clients,
                                   "Client threads, one keep-alive connection each");
      },
      [&] { return wit::bench::Run(opt); });
}
