#ifndef WIT_AUDIT_CLI_HISTORY_COMMANDS_H_
#define WIT_AUDIT_CLI_HISTORY_COMMANDS_H_

#include <optional>
#include <string>

#include "audit-cli/audit_io.h"
#include "audit-cli/audit_source.h"
#include "audit-cli/event_filter.h"
#include "audit-cli/token_history.h"
#include "base/json_writer.h"
#include "base/status.h"
#include "base/time_util.h"

namespace wit {

// The commands that fold the history into token states: `tokens` and `stats`.

enum class ReportFormat { kTable, kJson, kCsv };

// ParseReportFormat reads --format for tokens (table, json, csv) or, with csv_ok false,
// for stats (table, json).
StatusOr<ReportFormat> ParseReportFormat(std::string_view name, bool csv_ok);

// FoldHistory folds every event of the tokens the id and user criteria of `criteria` select,
// up to and including `as_of`, into *history (hash and prefix are for the caller to check on
// the folded states, with MatchesToken).
Status FoldHistory(AuditSource& source, const EventFilter& criteria, TimeMs as_of, AuditIo& io,
                   TokenHistory* history);

// WriteTokenJson writes one token as the JSON formats show it, with its status at `as_of`.
void WriteTokenJson(JsonWriter& w, const TokenState& token, TimeMs as_of);

struct TokensOptions {
  EventFilter filter;                 // token and user criteria only
  TimeMs as_of = 0;                   // fold events with occurredAt <= as_of
  std::optional<std::string> status;  // "active", "revoked", "expired" (as of as_of)
  std::optional<std::string> scope;   // only tokens whose scopes grant it
  ReportFormat format = ReportFormat::kTable;
};

// RunTokens prints every token (that the options select) as it was at `as_of`: the events up
// to and including as_of folded with the projector's ApplyEvent, the status by StatusAt.
Status RunTokens(AuditSource& source, TokensOptions& options, AuditIo& io);

struct StatsOptions {
  EventFilter filter;  // token and user criteria only
  TimeMs as_of = 0;    // the report's "now"
  TimeMs unused_for = 90 * kMsPerDay;
  TimeMs expiring_within = 7 * kMsPerDay;
  ReportFormat format = ReportFormat::kTable;
};

// RunStats prints the hygiene report of the tokens active at `as_of`: never used, unused for
// `unused_for` (last use, or creation if never used, before as_of - unused_for), without
// expiry, expiring within `expiring_within`, denied uses by reason, and per token the scopes
// it holds against those its uses needed.
Status RunStats(AuditSource& source, StatsOptions& options, AuditIo& io);

}  // namespace wit

#endif  // WIT_AUDIT_CLI_HISTORY_COMMANDS_H_
