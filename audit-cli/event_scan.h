#ifndef WIT_AUDIT_CLI_EVENT_SCAN_H_
#define WIT_AUDIT_CLI_EVENT_SCAN_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

#include "audit-cli/audit_source.h"
#include "audit-cli/event_filter.h"
#include "audit-cli/progress.h"
#include "ledger/event.h"

namespace wit {

// ScanCounts tallies what a scan read. Records that are not valid events (the projector skips
// them too) are counted, and the first is described, so the audit can say so.
struct ScanCounts {
  uint64_t records = 0;
  uint64_t undecodable = 0;
  std::string first_problem;  // "log/42: <why>"
  // Events read that the ledger does not apply (the source's RecordGate), by SkipReason.
  std::array<uint64_t, kSkipReasonCount> refused{};
  // Lifecycle events shown without a MAC check, for want of an event key.
  uint64_t unauthenticated = 0;

  // Report writes a warning line to `err` for records skipped, and one when lifecycle events
  // could not be authenticated.
  void Report(std::ostream& err) const;
};

// EventScanner decodes the records of a source that `filter` selects, drops those the source's
// RecordGate refuses (as witd's projector does: forged, unsigned, on the wrong topic), and
// hands each remaining event to a callback: EventFn(event, payload as stored, stream).
// Returning false stops.
class EventScanner {
 public:
  using EventFn =
      std::function<bool(const Event& event, std::string_view payload, const std::string& stream)>;

  // REQUIRES: `source`, `filter` and `progress` outlive the scanner.
  EventScanner(AuditSource* source, EventFilter* filter, Progress* progress)
      : source_(source), filter_(filter), progress_(progress) {}

  // Scan reads from the source's position to the end of the log as of now.
  Status Scan(const EventFn& fn);

  // Poll reads what arrives within `wait`.
  Status Poll(std::chrono::milliseconds wait, const EventFn& fn);

  // Resolve runs the pass that learns the ids of the tokens --token-hash and --prefix name (see
  // EventFilter::NeedsResolving), then rewinds the source.
  Status Resolve();

  // ResolveFamilies widens the filter's --token-id list to every token of their rotation
  // families (the first token and each one a rotation made from it, as the token.created
  // events' familyId say), with one pass over the creations, then rewinds the source.
  Status ResolveFamilies();

  const ScanCounts& counts() const { return counts_; }

 private:
  AuditSource::RecordFn Wrap(const EventFn& fn);

  AuditSource* source_;
  EventFilter* filter_;
  Progress* progress_;
  ScanCounts counts_;
};

}  // namespace wit

#endif  // WIT_AUDIT_CLI_EVENT_SCAN_H_
