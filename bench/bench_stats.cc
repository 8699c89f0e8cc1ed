#include "bench/bench_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "base/random.h"

namespace wit::bench {
namespace {

// Percentile is the nearest-rank percentile `q` (0..1] of sorted, non-empty `v`.
double Percentile(const std::vector<double>& v, double q) {
  auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

}  // namespace

ScratchDir::ScratchDir(const std::string& tag) {
  auto dir = std::filesystem::temp_directory_path() / ("wit-bench-" + tag + "-" + NewUuid());
  std::filesystem::create_directories(dir);
  path_ = dir.string();
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

double Stopwatch::Seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

LatencySummary Summarize(std::vector<double> latencies_ms) {
  LatencySummary s;
  if (latencies_ms.empty()) return s;
  std::sort(latencies_ms.begin(), latencies_ms.end());
  s.count = latencies_ms.size();
  s.p50_ms = Percentile(latencies_ms, 0.50);
  s.p90_ms = Percentile(latencies_ms, 0.90);
  s.p99_ms = Percentile(latencies_ms, 0.99);
  s.max_ms = latencies_ms.back();
  return s;
}

double PhaseResult::PerSecond() const {
  return seconds > 0 ? static_cast<double>(latencies_ms.size()) / seconds : 0;
}

PhaseResult RunTimedPhase(const std::vector<int>& per_thread, const TimedOp& op) {
  PhaseResult result;
  std::mutex mu;
  std::vector<std::thread> threads;
  threads.reserve(per_thread.size());
  Stopwatch wall;
  for (int t = 0; t < static_cast<int>(per_thread.size()); ++t) {
    threads.emplace_back([&, t] {
      std::vector<double> mine;
      mine.reserve(static_cast<size_t>(per_thread[t]));
      size_t failures = 0;
      std::string error;
      for (int i = 0; i < per_thread[t]; ++i) {
        Stopwatch one;
        std::string e = op(t, i);
        mine.push_back(one.Millis());
        if (!e.empty() && failures++ == 0) error = std::move(e);
      }
      std::lock_guard<std::mutex> lock(mu);
      result.latencies_ms.insert(result.latencies_ms.end(), mine.begin(), mine.end());
      result.failures += failures;
      if (result.first_error.empty()) result.first_error = std::move(error);
    });
  }
  for (auto& t : threads) t.join();
  result.seconds = wall.Seconds();
  return result;
}

void PrintHeader(const std::string& title) { std::printf("== %s ==\n", title.c_str()); }

std::string Fixed(double value, int precision, const std::string& unit) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", precision, value);
  return unit.empty() ? std::string(buf) : std::string(buf) + " " + unit;
}

void PrintFigure(const std::string& name, double value, const std::string& unit, int precision) {
  std::printf("  %-34s %s\n", name.c_str(), Fixed(value, precision, unit).c_str());
}

void PrintLatency(const std::string& name, const PhaseResult& r) {
  LatencySummary s = Summarize(r.latencies_ms);
  std::printf(
      "  %-8s count %7zu  %9.1f req/s  p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  "
      "max %7.2f ms\n",
      name.c_str(), s.count, r.PerSecond(), s.p50_ms, s.p90_ms, s.p99_ms, s.max_ms);
  if (r.failures > 0) {
    std::printf("  %-8s FAILED %zu of %zu, first: %s\n", name.c_str(), r.failures, s.count,
                r.first_error.c_str());
  }
}

bool PrintGoal(const std::string& goal, const std::string& measured, bool met) {
  std::printf("  goal %-40s %-14s %s\n", (goal + ":").c_str(), measured.c_str(),
              met ? "goal met" : "goal missed");
  return met;
}

long ProcStatusKb(int pid, const std::string& name) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  long kb = -1;
  while (in >> key) {
    if (key == name + ":") {
      in >> kb;
      return kb;
    }
    in.ignore(1 << 16, '\n');
  }
  return -1;
}

}  // namespace wit::bench
