#ifndef WIT_BASE_TIME_UTIL_H_
#define WIT_BASE_TIME_UTIL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace wit {

// Milliseconds since the Unix epoch, UTC. All times inside the ledger are this type.
using TimeMs = int64_t;

// NowMs returns the wall-clock time.
TimeMs NowMs();

// FormatRfc3339 renders `ms` as RFC 3339 UTC with milliseconds: "2026-11-27T22:17:00.000Z".
std::string FormatRfc3339(TimeMs ms);

// FormatRfc3339Or renders `ms` as FormatRfc3339 does, or returns `none` when there is no time.
std::string FormatRfc3339Or(const std::optional<TimeMs>& ms, std::string_view none);

// ParseRfc3339 accepts "YYYY-MM-DDTHH:MM:SS[.fff...]Z" or with a "+HH:MM"/"-HH:MM" offset.
StatusOr<TimeMs> ParseRfc3339(std::string_view text);

constexpr TimeMs kMsPerDay = 86'400'000;

}  // namespace wit

#endif  // WIT_BASE_TIME_UTIL_H_
