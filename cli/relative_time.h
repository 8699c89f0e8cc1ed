#ifndef WIT_CLI_RELATIVE_TIME_H_
#define WIT_CLI_RELATIVE_TIME_H_

#include <optional>
#include <string>

#include "base/time_util.h"

namespace wit {

// FormatAgo describes a moment in the past as `wit token list` shows it: "just now" (under a
// minute), "1 minute ago", "2 hours ago", "5 days ago", "3 months ago", "2 years ago".
// A `then` slightly after `now` (clock skew between client and server) is "just now".
//
//   FormatAgo(now - 2 * 3'600'000, now) == "2 hours ago"
std::string FormatAgo(TimeMs then, TimeMs now);

// FormatIn describes a moment in the future: "in less than a minute", "in 2 hours",
// "in 30 days", "in 3 months", "in 1 year". A `then` before `now` is "in less than a minute".
std::string FormatIn(TimeMs then, TimeMs now);

// FormatExpiry is the Expires column: "Never" without an expiry, FormatIn for a future one and
// "expired " + FormatAgo for a past one ("expired 3 days ago").
std::string FormatExpiry(const std::optional<TimeMs>& expires_at, TimeMs now);

// FormatLastUsed is the Last Used column: "Never", else FormatAgo.
std::string FormatLastUsed(const std::optional<TimeMs>& last_used_at, TimeMs now);

}  // namespace wit

#endif  // WIT_CLI_RELATIVE_TIME_H_
