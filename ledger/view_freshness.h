#ifndef WIT_LEDGER_VIEW_FRESHNESS_H_
#define WIT_LEDGER_VIEW_FRESHNESS_H_

#include <cstdint>
#include <map>
#include <string>

#include "base/status.h"

namespace wit {

// ViewFreshness bounds how stale an answer read from the view may be (witd serve
// --max-staleness-ms). A lifecycle stream is fresh while the view has applied everything its
// log held at some moment within the bound; a check of a token whose lifecycle stream is not
// fresh is refused, so a node cut off from part of the log never honours a revoked token for
// longer than the bound. The embedded log needs none: its view applies each write before the
// write is acknowledged. Thread-safe.
class ViewFreshness {
 public:
  virtual ~ViewFreshness() = default;

  // CheckToken returns OK when the stream that holds `token_id`'s lifecycle events is fresh,
  // else Unavailable naming the stream and how long it has been stale (and counts a refusal).
  virtual Status CheckToken(const std::string& token_id) const = 0;

  // AllFresh returns OK when every lifecycle stream is fresh (/readyz), else Unavailable naming
  // the stalest.
  virtual Status AllFresh() const = 0;

  // StalenessMs returns, per lifecycle stream, how long ago the view was last known to hold
  // everything the stream held (-1: never yet).
  virtual std::map<std::string, int64_t> StalenessMs() const = 0;

  // Refusals returns how many checks CheckToken refused.
  virtual uint64_t Refusals() const = 0;
};

}  // namespace wit

#endif  // WIT_LEDGER_VIEW_FRESHNESS_H_
