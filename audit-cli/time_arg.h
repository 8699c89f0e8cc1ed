#ifndef WIT_AUDIT_CLI_TIME_ARG_H_
#define WIT_AUDIT_CLI_TIME_ARG_H_

#include <string_view>

#include "base/status.h"
#include "base/time_util.h"

namespace wit {

// ParseDuration reads a span as wit-audit's flags take it: a positive whole number and a unit,
// "s", "m", "h", "d" or "w" ("90d", "12h", "30m"). Anything else is InvalidArgument.
//
//   ParseDuration("7d") == 7 * kMsPerDay
StatusOr<TimeMs> ParseDuration(std::string_view text);

// ParseTimeArg reads a moment given on the command line, relative to `now`:
//  - an RFC 3339 time, "2026-11-27T14:03:00Z" or with an offset, fractions allowed;
//  - a date "2026-11-27" (its midnight UTC);
//  - a duration ago, as ParseDuration reads it ("7d" is now minus 7 days);
//  - "now".
// Anything else is InvalidArgument with a message listing what is accepted.
StatusOr<TimeMs> ParseTimeArg(std::string_view text, TimeMs now);

}  // namespace wit

#endif  // WIT_AUDIT_CLI_TIME_ARG_H_
