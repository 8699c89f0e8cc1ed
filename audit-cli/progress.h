#ifndef WIT_AUDIT_CLI_PROGRESS_H_
#define WIT_AUDIT_CLI_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace wit {

// Progress draws one self-overwriting status line on a terminal while a scan runs: a bar,
// records read, rate and time left, e.g.
// "  [########            ] 41%  4,194,304 / 10,000,000 events  2.1M/s  ETA 3s". It stays
// silent when disabled (stderr is not a terminal) and for scans that end within kQuietFor.
//
//   Progress p(isatty(2), std::cerr);
//   p.Start(total);
//   for (...) p.Add(1);
//   p.Finish();
class Progress {
 public:
  static constexpr std::chrono::milliseconds kQuietFor{700};

  Progress(bool enabled, std::ostream& err) : enabled_(enabled), err_(err) {}

  // Start begins a scan expected to read `total` records (0: unknown).
  void Start(uint64_t total);

  // Add counts `n` records read; it redraws the line at most a few times a second.
  void Add(uint64_t n) {
    done_ += n;
    if (enabled_ && (done_ & 0x3fff) < n) Draw(false);
  }

  // Finish erases the line, if one was drawn.
  void Finish();

  uint64_t done() const { return done_; }

  // Render is the status line for `done` of `total` records after `elapsed`.
  static std::string Render(uint64_t done, uint64_t total, std::chrono::milliseconds elapsed);

 private:
  void Draw(bool force);

  bool enabled_;
  std::ostream& err_;
  uint64_t total_ = 0;
  uint64_t done_ = 0;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace wit

#endif  // WIT_AUDIT_CLI_PROGRESS_H_
