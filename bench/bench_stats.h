// Shared by the benchmark programs: timing, latency percentiles, a timed parallel phase, and the
// aligned figure/goal lines every benchmark prints.
#ifndef WIT_BENCH_BENCH_STATS_H_
#define WIT_BENCH_BENCH_STATS_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace wit::bench {

// ScratchDir makes a fresh directory under the system temp dir and removes it, with all it
// holds, when destroyed.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Stopwatch measures wall time from construction (or the last Reset) on the steady clock.
class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  void Reset() { start_ = std::chrono::steady_clock::now(); }
  double Seconds() const;
  double Millis() const { return Seconds() * 1000.0; }

 private:
  std::chrono::steady_clock::time_point start_;
};

// LatencySummary holds nearest-rank percentiles of a set of latencies, in milliseconds.
struct LatencySummary {
  size_t count = 0;
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

// Summarize returns the percentiles of `latencies_ms` (all zero when it is empty).
LatencySummary Summarize(std::vector<double> latencies_ms);

// PhaseResult is what RunTimedPhase measured: every operation's latency, how many failed (the
// first failure's message kept for the report) and the phase's wall time.
struct PhaseResult {
  std::vector<double> latencies_ms;
  size_t failures = 0;
  std::string first_error;
  double seconds = 0;

  double PerSecond() const;
};

// TimedOp runs operation `i` of thread `thread`; it returns an empty string on success and an
// error message otherwise. Its latency is recorded either way.
using TimedOp = std::function<std::string(int thread, int i)>;

// RunTimedPhase runs `per_thread[t]` operations on each of `per_thread.size()` threads at
// once, timing each call to `op`, and returns once every thread is done.
//
//   PhaseResult r = RunTimedPhase(std::vector<int>(16, 200), [&](int t, int i) { ... });
PhaseResult RunTimedPhase(const std::vector<int>& per_thread, const TimedOp& op);

// ProcStatusKb reads field `name` ("VmRSS", "VmHWM") of /proc/<pid>/status, in KiB; -1 if it
// cannot be read.
long ProcStatusKb(int pid, const std::string& name);

// PrintHeader prints a section title: "== title ==".
void PrintHeader(const std::string& title);

// PrintFigure prints one aligned line "  name   value unit".
void PrintFigure(const std::string& name, double value, const std::string& unit, int precision = 1);

// PrintLatency prints one aligned line with count, throughput and p50/p90/p99/max of `r`.
void PrintLatency(const std::string& name, const PhaseResult& r);

// PrintGoal prints "  goal <goal>: <measured>  goal met|goal missed" and returns `met`.
bool PrintGoal(const std::string& goal, const std::string& measured, bool met);

// Fixed renders `value` with `precision` decimals and a unit ("12.30 ms").
std::string Fixed(double value, int precision, const std::string& unit);

}  // namespace wit::bench

#endif  // WIT_BENCH_BENCH_STATS_H_
