#include "audit-cli/progress.h"

#include <algorithm>
#include <cstdio>

namespace wit {
namespace {

std::string Grouped(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Rate(double per_second) {
  char buf[32];
  if (per_second >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.1fM/s", per_second / 1e6);
  } else if (per_second >= 1e3) {
    std::snprintf(buf, sizeof buf, "%.0fk/s", per_second / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f/s", per_second);
  }
  return buf;
}

}  // namespace

void Progress::Start(uint64_t total) {
  total_ = total;
  done_ = 0;
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

std::string Progress::Render(uint64_t done, uint64_t total, std::chrono::milliseconds elapsed) {
  double seconds = static_cast<double>(elapsed.count()) / 1000.0;
  double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  std::string line = "  ";
  if (total > 0) {
    constexpr int kWidth = 20;
    uint64_t filled = std::min<uint64_t>(kWidth, done * kWidth / total);
    line += "[" + std::string(filled, '#') + std::string(kWidth - filled, ' ') + "] " +
            std::to_string(std::min<uint64_t>(100, done * 100 / total)) + "%  ";
  }
  line += Grouped(done);
  if (total > 0) line += " / " + Grouped(total);
  line += " events  " + Rate(rate);
  if (total > done && rate > 0) {
    line += "  ETA " +
            std::to_string(static_cast<uint64_t>(static_cast<double>(total - done) / rate) + 1) +
            "s";
  }
  return line;
}

void Progress::Draw(bool force) {
  auto now = std::chrono::steady_clock::now();
  if (!force && (now - start_ < kQuietFor || now - last_draw_ < std::chrono::milliseconds(200))) {
    return;
  }
  last_draw_ = now;
  drawn_ = true;
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - start_);
  err_ << "\r\033[K" << Render(done_, total_, elapsed) << std::flush;
}

void Progress::Finish() {
  if (drawn_) err_ << "\r\033[K" << std::flush;
  drawn_ = false;
}

}  // namespace wit
