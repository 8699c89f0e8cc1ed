#include "cli/relative_time.h"

#include <cstdint>

namespace wit {
namespace {

constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
// Average lengths, so that "3 months" and "2 years" come out right over long spans.
constexpr int64_t kMonth = kDay * 30'436 / 1000;
constexpr int64_t kYear = kDay * 365'250 / 1000;

// Days are shown up to this many before switching to months, so that a 30-day token reads
// "in 30 days" as in the seed document rather than "in 1 month".
constexpr int64_t kMaxDays = 60;

// Rounded is `span / unit` rounded half up, for a non-negative span.
int64_t Rounded(int64_t span, int64_t unit) { return (span + unit / 2) / unit; }

std::string Plural(int64_t n, const char* unit) {
  return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
}

// Span renders a non-negative duration of at least a minute in the largest fitting unit.
// Each unit's value is rounded, and a value that rounds up to the next unit moves there
// ("59.6 minutes" is "1 hour", not "60 minutes").
std::string Span(int64_t span) {
  if (int64_t m = Rounded(span, kMinute); m < 60) return Plural(m < 1 ? 1 : m, "minute");
  if (int64_t h = Rounded(span, kHour); h < 24) return Plural(h, "hour");
  if (int64_t d = Rounded(span, kDay); d <= kMaxDays) return Plural(d, "day");
  if (int64_t mo = Rounded(span, kMonth); mo < 12) return Plural(mo, "month");
  return Plural(Rounded(span, kYear), "year");
}

// UnderAMinute reports whether a span reads as "now": under 60 seconds after rounding.
bool UnderAMinute(int64_t span) { return Rounded(span, kSecond) < 60; }

}  // namespace

std::string FormatAgo(TimeMs then, TimeMs now) {
  int64_t span = now - then;
  if (span < 0 || UnderAMinute(span)) return "just now";
  return Span(span) + " ago";
}

std::string FormatIn(TimeMs then, TimeMs now) {
  int64_t span = then - now;
  if (span < 0 || UnderAMinute(span)) return "in less than a minute";
  return "in " + Span(span);
}

std::string FormatExpiry(const std::optional<TimeMs>& expires_at, TimeMs now) {
  if (!expires_at) return "Never";
  if (*expires_at > now) return FormatIn(*expires_at, now);
  return "expired " + FormatAgo(*expires_at, now);
}

std::string FormatLastUsed(const std::optional<TimeMs>& last_used_at, TimeMs now) {
  if (!last_used_at) return "Never";
  return FormatAgo(*last_used_at, now);
}

}  // namespace wit
