// RunStats (declared in history_commands.h): the token hygiene report.
#include <vector>

#include "audit-cli/history_commands.h"
#include "base/text_table.h"
#include "token/scopes.h"

namespace wit {
namespace {

struct ScopeUse {
  const TokenState* token;
  const TokenUsage* usage;
  std::vector<std::string> used;
  std::vector<std::string> suggested;
  bool over_privileged;
};

// Report is the stats, computed once for either output format.
struct Report {
  TimeMs as_of = 0;
  size_t total = 0, active = 0, revoked = 0, expired = 0;
  uint64_t allowed = 0, denied = 0;
  std::vector<const TokenState*> never_used, unused, without_expiry, expiring;
  TimeMs unused_before = 0, expiring_before = 0;
  std::map<std::string, uint64_t> denied_by_reason;
  std::vector<ScopeUse> scope_use;
};

Report Compute(const TokenHistory& history, const StatsOptions& o) {
  Report r;
  r.as_of = o.as_of;
  r.unused_before = o.as_of - o.unused_for;
  r.expiring_before = o.as_of + o.expiring_within;
  for (const TokenState* t : history.Tokens()) {
    if (!o.filter.MatchesToken(t->id, t->user_id, t->prefix, t->token_hash)) continue;
    ++r.total;
    const TokenUsage& usage = history.Usage(t->id);
    r.allowed += usage.allowed;
    r.denied += usage.denied;
    for (const auto& [reason, n] : usage.denied_by_reason) r.denied_by_reason[reason] += n;
    TokenStatus status = StatusAt(*t, o.as_of);
    if (status == TokenStatus::kRevoked) ++r.revoked;
    if (status == TokenStatus::kExpired) ++r.expired;
    if (status != TokenStatus::kActive) continue;
    ++r.active;
    if (!t->last_used_at) r.never_used.push_back(t);
    if (t->last_used_at.value_or(t->created_at) < r.unused_before) r.unused.push_back(t);
    if (!t->expires_at) r.without_expiry.push_back(t);
    if (t->expires_at && *t->expires_at <= r.expiring_before) r.expiring.push_back(t);
    if (usage.allowed > 0) {
      std::vector<std::string> used(usage.scopes_used.begin(), usage.scopes_used.end());
      std::vector<std::string> suggested = SuggestScopes(usage.scopes_used);
      std::set<std::string> held(t->scopes.begin(), t->scopes.end());
      bool over = usage.unscoped == 0 && SuggestScopes(held) != suggested;
      r.scope_use.push_back({t, &usage, std::move(used), std::move(suggested), over});
    }
  }
  return r;
}

// ScopeCell is a list of scopes for a table cell: comma-joined, "-" when there are none.
std::string ScopeCell(const std::vector<std::string>& scopes) {
  return scopes.empty() ? "-" : JoinCells(scopes, ",");
}

void Section(std::ostream& out, const std::string& title,
             const std::vector<const TokenState*>& tokens, const char* time_header) {
  out << "\n" << title << ": " << tokens.size() << "\n";
  if (tokens.empty()) return;
  TextTable table({"ID", "USER", "NAME", "PREFIX", "SCOPES", "CREATED", time_header});
  for (const TokenState* t : tokens) {
    std::string when = std::string(time_header) == "EXPIRES"
                           ? FormatRfc3339Or(t->expires_at, "never")
                           : FormatRfc3339Or(t->last_used_at, "never");
    table.AddRow({t->id, ForTerminal(t->user_id), ForTerminal(t->name), t->prefix,
                  ScopeCell(t->scopes), FormatRfc3339(t->created_at), when});
  }
  out << table.Render();
}

void WriteTable(const Report& r, std::ostream& out) {
  out << "As of " << FormatRfc3339(r.as_of) << ": " << r.total << " tokens (" << r.active
      << " active, " << r.revoked << " revoked, " << r.expired << " expired); "
      << r.allowed + r.denied << " uses (" << r.allowed << " allowed, " << r.denied << " denied)\n";
  Section(out, "Active tokens never used", r.never_used, "LAST USED");
  Section(out, "Active tokens unused since " + FormatRfc3339(r.unused_before), r.unused,
          "LAST USED");
  Section(out, "Active tokens without expiry", r.without_expiry, "EXPIRES");
  Section(out, "Active tokens expiring by " + FormatRfc3339(r.expiring_before), r.expiring,
          "EXPIRES");
  out << "\nDenied uses by reason: " << r.denied << "\n";
  if (!r.denied_by_reason.empty()) {
    TextTable table({"REASON", "USES"});
    for (const auto& [reason, n] : r.denied_by_reason)
      table.AddRow({ForTerminal(reason), std::to_string(n)});
    out << table.Render();
  }
  size_t over = 0;
  for (const ScopeUse& u : r.scope_use) over += u.over_privileged;
  out << "\nActive tokens holding more scopes than their uses needed: " << over << "\n";
  if (over > 0) {
    TextTable table({"ID", "USER", "NAME", "HELD", "USED", "SUGGESTED", "USES"});
    for (const ScopeUse& u : r.scope_use) {
      if (!u.over_privileged) continue;
      table.AddRow({u.token->id, ForTerminal(u.token->user_id), ForTerminal(u.token->name),
                    ScopeCell(u.token->scopes), ScopeCell(u.used), ScopeCell(u.suggested),
                    std::to_string(u.usage->allowed)});
    }
    out << table.Render();
  }
}

void TokenList(JsonWriter& w, const std::vector<const TokenState*>& tokens, TimeMs as_of) {
  w.BeginArray();
  for (const TokenState* t : tokens) WriteTokenJson(w, *t, as_of);
  w.EndArray();
}

void WriteJson(const Report& r, std::ostream& out) {
  JsonWriter w;
  w.BeginObject().Key("asOf").String(FormatRfc3339(r.as_of));
  w.Key("tokens").BeginObject().Key("total").Int(static_cast<int64_t>(r.total));
  w.Key("active")
      .Int(static_cast<int64_t>(r.active))
      .Key("revoked")
      .Int(static_cast<int64_t>(r.revoked));
  w.Key("expired").Int(static_cast<int64_t>(r.expired)).EndObject();
  w.Key("uses").BeginObject().Key("total").Int(static_cast<int64_t>(r.allowed + r.denied));
  w.Key("allowed")
      .Int(static_cast<int64_t>(r.allowed))
      .Key("denied")
      .Int(static_cast<int64_t>(r.denied));
  w.EndObject();
  w.Key("neverUsed");
  TokenList(w, r.never_used, r.as_of);
  w.Key("unusedSince").BeginObject().Key("before").String(FormatRfc3339(r.unused_before));
  w.Key("tokens");
  TokenList(w, r.unused, r.as_of);
  w.EndObject();
  w.Key("withoutExpiry");
  TokenList(w, r.without_expiry, r.as_of);
  w.Key("expiringWithin").BeginObject().Key("by").String(FormatRfc3339(r.expiring_before));
  w.Key("tokens");
  TokenList(w, r.expiring, r.as_of);
  w.EndObject();
  w.Key("deniedByReason").BeginObject();
  for (const auto& [reason, n] : r.denied_by_reason) w.Key(reason).Int(static_cast<int64_t>(n));
  w.EndObject();
  w.Key("scopeUsage").BeginArray();
  for (const ScopeUse& u : r.scope_use) {
    w.BeginObject().Key("id").String(u.token->id).Key("userId").String(u.token->user_id);
    w.Key("name").String(u.token->name).Key("held").StringArray(u.token->scopes);
    w.Key("used").StringArray(u.used).Key("suggested").StringArray(u.suggested);
    w.Key("allowedUses").Int(static_cast<int64_t>(u.usage->allowed));
    w.Key("unscopedUses").Int(static_cast<int64_t>(u.usage->unscoped));
    w.Key("overPrivileged").Bool(u.over_privileged).EndObject();
  }
  w.EndArray().EndObject();
  out << w.str() << "\n";
}

}  // namespace

Status RunStats(AuditSource& source, StatsOptions& o, AuditIo& io) {
  TokenHistory history;
  if (Status s = FoldHistory(source, o.filter, o.as_of, io, &history); !s.ok()) return s;
  Report report = Compute(history, o);
  if (o.format == ReportFormat::kJson) {
    WriteJson(report, io.out);
  } else {
    WriteTable(report, io.out);
  }
  io.out.flush();
  return Status::OK();
}

}  // namespace wit
