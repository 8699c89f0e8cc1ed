#include "cli/output.h"

#include <algorithm>
#include <utility>

#include "base/text_table.h"
#include "cli/relative_time.h"
#include "cli/scope_format.h"

namespace wit {

std::string FormatExpiryDate(const std::optional<TimeMs>& expires_at, TimeMs now) {
  if (!expires_at) return "Never";
  std::string date = FormatRfc3339(*expires_at).substr(0, 10);  // "YYYY-MM-DD"
  return date + " (" + FormatExpiry(expires_at, now) + ")";
}

std::string RenderCreated(const TokenInfo& token, TimeMs now) {
  const std::string plaintext = ForTerminal(token.token.value_or(""));
  std::string out = "Token created successfully\n\n";
  out += "Name:    " + ForTerminal(token.name) + "\n";
  out += "ID:      " + ForTerminal(token.id) + "\n";
  out += "Token:   " + plaintext + "\n";
  out += "Scopes:  " + ForTerminal(JoinScopes(token.scopes)) + "\n";
  out += "Expires: " + FormatExpiryDate(token.expires_at, now) + "\n";
  out += "\nIMPORTANT: Copy this token now. You won't be able to see it again!\n";
  out += "\nTo use this token:\n";
  out += "  export WIT_TOKEN=" + plaintext + "\n";
  return out;
}

std::string RenderTokenList(const std::vector<TokenInfo>& tokens, bool with_status, TimeMs now) {
  std::string out = "Your Personal Access Tokens\n\n";
  if (tokens.empty()) return out + "No tokens found.\n";
  std::vector<std::string> headers = {"ID", "Name", "Scopes", "Last Used", "Expires"};
  if (with_status) headers.emplace_back("Status");
  TextTable table(std::move(headers));
  for (const TokenInfo& t : tokens) {
    // A token about to lapse is marked, in the text itself so a pipe or a log keeps it.
    bool soon = t.status == "active" && t.expires_at && *t.expires_at > now &&
                *t.expires_at - now < kExpiresSoonDays * kMsPerDay;
    std::vector<std::string> row = {
        ForTerminal(t.id), ForTerminal(t.name), ForTerminal(CompactScopes(t.scopes)),
        FormatLastUsed(t.last_used_at, now), (soon ? "! " : "") + FormatExpiry(t.expires_at, now)};
    if (with_status) row.push_back(ForTerminal(t.status));
    table.AddRow(std::move(row));
  }
  return out + table.Render();
}

std::string RenderAdminList(const std::vector<TokenInfo>& tokens, const std::string& next_cursor,
                            TimeMs now) {
  if (tokens.empty()) return "No tokens found.\n";
  TextTable table({"ID", "User", "Name", "Scopes", "Last Used", "Expires", "Status"});
  for (const TokenInfo& t : tokens) {
    table.AddRow({ForTerminal(t.id), ForTerminal(t.user_id.value_or("")), ForTerminal(t.name),
                  ForTerminal(CompactScopes(t.scopes)), FormatLastUsed(t.last_used_at, now),
                  FormatExpiry(t.expires_at, now), ForTerminal(t.status)});
  }
  std::string out = table.Render();
  if (!next_cursor.empty()) out += "\nMore: --cursor " + ForTerminal(next_cursor) + "\n";
  return out;
}

std::string RenderIdentified(const TokenInfo& t, TimeMs now) {
  std::string out;
  out += "ID:        " + ForTerminal(t.id) + "\n";
  out += "User:      " + ForTerminal(t.user_id.value_or("")) + "\n";
  out += "Name:      " + ForTerminal(t.name) + "\n";
  out += "Prefix:    " + ForTerminal(t.prefix) + "\n";
  out += "Scopes:    " + ForTerminal(JoinScopes(t.scopes)) + "\n";
  out += "Status:    " + ForTerminal(t.status) + "\n";
  out += "Last Used: " + FormatLastUsed(t.last_used_at, now) + "\n";
  out += "Expires:   " + FormatExpiry(t.expires_at, now) + "\n";
  return out;
}

std::string RenderRevoked(const TokenInfo&) { return "Token revoked successfully\n"; }

std::string RenderRotated(const TokenInfo& created, TimeMs now) {
  return RenderCreated(created, now) + "\nRevoked token " +
         ForTerminal(created.rotated_from.value_or("")) + " (rotated)\n";
}

std::string RenderScopes(const std::vector<ScopeEntry>& scopes) {
  constexpr size_t kMinNameWidth = 12;
  size_t width = kMinNameWidth;
  for (const ScopeEntry& s : scopes) width = std::max(width, DisplayWidth(s.name));

  std::vector<std::string> groups;  // in order of first appearance
  for (const ScopeEntry& s : scopes) {
    if (std::find(groups.begin(), groups.end(), s.group) == groups.end()) {
      groups.push_back(s.group);
    }
  }
  std::string out = "Available Token Scopes\n";
  for (const std::string& group : groups) {
    out += "\n" + ForTerminal(group) + ":\n";
    for (const ScopeEntry& s : scopes) {
      if (s.group != group) continue;
      std::string name = ForTerminal(s.name);
      out += "  " + name + std::string(width - DisplayWidth(s.name) + 1, ' ') +
             ForTerminal(s.description) + "\n";
    }
  }
  return out;
}

}  // namespace wit
