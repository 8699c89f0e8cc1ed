#include "audit-cli/event_scan.h"

#include <algorithm>
#include <map>
#include <set>

#include "ledger/event_codec.h"

namespace wit {

void ScanCounts::Report(std::ostream& err) const {
  if (undecodable > 0) {
    err << "wit-audit: warning: skipped " << undecodable << " of " << records
        << " records that are not valid events (first: " << first_problem << ")\n";
  }
  std::string why;
  uint64_t total = 0;
  for (int i = 0; i < kSkipReasonCount; ++i) {
    if (refused[i] == 0) continue;
    total += refused[i];
    why += std::string(why.empty() ? "" : ", ") + SkipReasonName(static_cast<SkipReason>(i)) + " " +
           std::to_string(refused[i]);
  }
  if (total > 0) {
    err << "wit-audit: warning: skipped " << total << " records that witd does not apply (" << why
        << ")\n";
  }
  if (unauthenticated > 0) {
    err << "wit-audit: warning: " << unauthenticated
        << " lifecycle events shown without checking their MAC: no event key (give "
           "--event-key-file, witd's event.key)\n";
  }
}

AuditSource::RecordFn EventScanner::Wrap(const EventFn& fn) {
  return [this, &fn](const std::string& stream, uint64_t offset, std::string_view payload) {
    ++counts_.records;
    if (progress_) progress_->Add(1);
    if (!filter_->MayMatch(payload)) return true;
    StatusOr<Event> event = DecodeEvent(payload);
    if (!event.ok()) {
      if (counts_.undecodable++ == 0) {
        counts_.first_problem =
            stream + "/" + std::to_string(offset) + ": " + event.status().message();
      }
      return true;
    }
    // The gate runs before Matches: Matches learns the ids of the tokens a hash or prefix
    // names from their creations, and a forged creation must not teach it one.
    const RecordGate& gate = source_->Gate();
    std::optional<SkipReason> refused = gate.Refuses(*event, stream, offset, payload, [this] {
      StatusOr<std::string> mac = source_->CurrentMac();
      return mac.ok() ? *mac : std::string();
    });
    if (refused) {
      ++counts_.refused[static_cast<int>(*refused)];
      return true;
    }
    if (!filter_->Matches(*event)) return true;
    if (!gate.checks_macs() && event->type != EventType::kUsed && gate.NeedsMac(stream, offset)) {
      ++counts_.unauthenticated;
    }
    return fn(*event, payload, stream);
  };
}

Status EventScanner::Scan(const EventFn& fn) {
  source_->Narrow(*filter_);
  if (progress_) {
    StatusOr<uint64_t> remaining = source_->Remaining();
    progress_->Start(remaining.ok() ? *remaining : 0);
  }
  Status s = source_->Scan(Wrap(fn));
  if (progress_) progress_->Finish();
  return s;
}

Status EventScanner::Poll(std::chrono::milliseconds wait, const EventFn& fn) {
  return source_->Poll(wait, Wrap(fn));
}

Status EventScanner::Resolve() {
  // Only created events carry a hash or prefix; MayMatch on them alone keeps the pass cheap.
  EventFilter names;
  names.token_hash = filter_->token_hash;
  names.prefix = filter_->prefix;
  names.types = {EventType::kCreated};
  EventFilter* matching = filter_;
  filter_ = &names;
  Status s = Scan([&](const Event& e, std::string_view, const std::string&) {
    matching->Learn(e);
    return true;
  });
  filter_ = matching;
  counts_ = ScanCounts();
  source_->Rewind();
  return s;
}

Status EventScanner::ResolveFamilies() {
  EventFilter creations;
  creations.types = {EventType::kCreated};
  EventFilter* matching = filter_;
  filter_ = &creations;
  std::set<std::string> families;                           // of the tokens asked for
  std::map<std::string, std::vector<std::string>> rotated;  // family → tokens rotations made
  const std::vector<std::string>& asked = matching->token_ids;
  Status s = Scan([&](const Event& e, std::string_view, const std::string&) {
    const std::string& family = e.family_id.value_or(e.token_id);
    if (std::find(asked.begin(), asked.end(), e.token_id) != asked.end()) families.insert(family);
    if (e.family_id) rotated[*e.family_id].push_back(e.token_id);
    return true;
  });
  filter_ = matching;
  counts_ = ScanCounts();
  source_->Rewind();
  if (!s.ok()) return s;
  std::vector<std::string> ids = asked;
  for (const std::string& family : families) {
    ids.push_back(family);
    for (const std::string& id : rotated[family]) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  matching->token_ids = std::move(ids);
  return Status::OK();
}

}  // namespace wit
