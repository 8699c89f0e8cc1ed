#include "audit-cli/time_arg.h"

#include <string>

namespace wit {
namespace {

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

StatusOr<TimeMs> ParseDuration(std::string_view text) {
  std::string shown(text);
  if (text.size() < 2 || !AllDigits(text.substr(0, text.size() - 1)) || text.size() > 12) {
    return Status::InvalidArgument("\"" + shown +
                                   "\" is not a duration; use a number and s, m, h, d or w, "
                                   "e.g. 90d or 12h");
  }
  int64_t n = std::stoll(std::string(text.substr(0, text.size() - 1)));
  TimeMs unit = 0;
  switch (text.back()) {
    case 's': unit = 1000; break;
    case 'm': unit = 60'000; break;
    case 'h': unit = 3'600'000; break;
    case 'd': unit = kMsPerDay; break;
    case 'w': unit = 7 * kMsPerDay; break;
    default:
      return Status::InvalidArgument("\"" + shown + "\" has an unknown unit; use s, m, h, d or w");
  }
  if (n <= 0) return Status::InvalidArgument("a duration must be positive, not \"" + shown + "\"");
  if (n > 100'000 * kMsPerDay / unit) {
    return Status::InvalidArgument("\"" + shown + "\" is longer than 100000 days");
  }
  return n * unit;
}

StatusOr<TimeMs> ParseTimeArg(std::string_view text, TimeMs now) {
  if (text == "now") return now;
  if (!text.empty() && AllDigits(text.substr(0, text.size() - 1)) && text.size() <= 12 &&
      text.find('-') == std::string_view::npos) {
    StatusOr<TimeMs> span = ParseDuration(text);
    if (!span.ok()) return span.status();
    return now - *span;
  }
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    StatusOr<TimeMs> t = ParseRfc3339(std::string(text) + "T00:00:00Z");
    if (t.ok()) return t;
  }
  StatusOr<TimeMs> t = ParseRfc3339(text);
  if (!t.ok()) {
    return Status::InvalidArgument("\"" + std::string(text) +
                                   "\" is not a time; use RFC 3339 (2026-11-27T14:03:00Z), a "
                                   "date (2026-11-27), a span ago (7d, 12h, 30m) or now");
  }
  return t;
}

}  // namespace wit
