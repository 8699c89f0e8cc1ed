#include "audit-cli/history_commands.h"

#include <algorithm>
#include <vector>

#include "audit-cli/event_scan.h"
#include "audit-cli/event_writer.h"
#include "audit-cli/token_history.h"
#include "base/json_writer.h"
#include "base/text_table.h"
#include "token/scopes.h"

namespace wit {

Status FoldHistory(AuditSource& source, const EventFilter& criteria, TimeMs as_of, AuditIo& io,
                   TokenHistory* history) {
  EventFilter filter;
  filter.token_ids = criteria.token_ids;
  filter.user = criteria.user;
  filter.until = as_of;
  Progress progress(io.progress, io.err);
  EventScanner scanner(&source, &filter, &progress);
  Status s = scanner.Scan([&](const Event& e, std::string_view, const std::string&) {
    history->Add(e);
    return !(io.stop && io.stop->load());
  });
  scanner.counts().Report(io.err);
  return s;
}

void WriteTokenJson(JsonWriter& w, const TokenState& t, TimeMs as_of) {
  WriteTokenObject(w, ToTokenObject(t, as_of), TokenFields::kAudit);
}

namespace {

void TokensTable(const std::vector<const TokenState*>& tokens, TimeMs as_of, std::ostream& out) {
  TextTable table(
      {"ID", "USER", "NAME", "PREFIX", "SCOPES", "CREATED", "EXPIRES", "LAST USED", "STATUS"});
  for (const TokenState* t : tokens) {
    table.AddRow({t->id, ForTerminal(t->user_id), ForTerminal(t->name), t->prefix,
                  JoinCells(t->scopes, ","), FormatRfc3339(t->created_at),
                  FormatRfc3339Or(t->expires_at, "never"),
                  FormatRfc3339Or(t->last_used_at, "never"), StatusName(StatusAt(*t, as_of))});
  }
  out << table.Render();
}

void TokensCsv(const std::vector<const TokenState*>& tokens, TimeMs as_of, std::ostream& out) {
  out << "id,userId,name,prefix,tokenHash,scopes,createdAt,expiresAt,lastUsedAt,revokedAt,"
         "revokedBy,status\r\n";
  for (const TokenState* t : tokens) {
    const std::string cells[] = {t->id,
                                 t->user_id,
                                 t->name,
                                 t->prefix,
                                 t->token_hash,
                                 JoinCells(t->scopes, " "),
                                 FormatRfc3339(t->created_at),
                                 FormatRfc3339Or(t->expires_at, ""),
                                 FormatRfc3339Or(t->last_used_at, ""),
                                 FormatRfc3339Or(t->revoked_at, ""),
                                 t->revoked_at ? t->revoked_by : "",
                                 StatusName(StatusAt(*t, as_of))};
    std::string line;
    for (size_t i = 0; i < std::size(cells); ++i) {
      if (i > 0) line += ',';
      AppendCsvCell(&line, cells[i]);
    }
    out << line << "\r\n";
  }
}

}  // namespace

StatusOr<ReportFormat> ParseReportFormat(std::string_view name, bool csv_ok) {
  if (name == "table") return ReportFormat::kTable;
  if (name == "json") return ReportFormat::kJson;
  if (name == "csv" && csv_ok) return ReportFormat::kCsv;
  return Status::InvalidArgument("unknown format \"" + std::string(name) + "\"; use " +
                                 (csv_ok ? "table, json or csv" : "table or json"));
}

Status RunTokens(AuditSource& source, TokensOptions& o, AuditIo& io) {
  TokenHistory history;
  if (Status s = FoldHistory(source, o.filter, o.as_of, io, &history); !s.ok()) return s;
  std::vector<const TokenState*> tokens;
  for (const TokenState* t : history.Tokens()) {
    if (!o.filter.MatchesToken(t->id, t->user_id, t->prefix, t->token_hash)) continue;
    if (o.status && *o.status != StatusName(StatusAt(*t, o.as_of))) continue;
    if (o.scope && !ScopesGrant(t->scopes, *o.scope)) continue;
    tokens.push_back(t);
  }
  switch (o.format) {
    case ReportFormat::kTable: TokensTable(tokens, o.as_of, io.out); break;
    case ReportFormat::kCsv: TokensCsv(tokens, o.as_of, io.out); break;
    case ReportFormat::kJson: {
      JsonWriter w;
      w.BeginObject().Key("asOf").String(FormatRfc3339(o.as_of)).Key("tokens").BeginArray();
      for (const TokenState* t : tokens) WriteTokenJson(w, *t, o.as_of);
      w.EndArray().EndObject();
      io.out << w.str() << "\n";
      break;
    }
  }
  io.out.flush();
  return Status::OK();
}

}  // namespace wit
