#include "cli/arguments.h"

#include <cctype>

#include "base/random.h"
#include "token/token.h"

namespace wit {
namespace {

std::string Trim(const std::string& s) {
  size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  size_t end = s.find_last_not_of(" \t");
  return s.substr(begin, end - begin + 1);
}

}  // namespace

StatusOr<int64_t> ParseExpiresFlag(const std::string& text) {
  auto bad = [&] {
    return Status::InvalidArgument("--expires must be a whole number of days from 1 to " +
                                   std::to_string(kMaxExpiresInDays) + ", not \"" + text + "\"");
  };
  std::string digits = Trim(text);
  if (digits.empty() || digits.size() > 9) return bad();
  int64_t days = 0;
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return bad();
    days = days * 10 + (c - '0');
  }
  if (days < 1 || days > kMaxExpiresInDays) return bad();
  return days;
}

StatusOr<std::vector<std::string>> ParseScopesFlag(const std::string& text) {
  std::vector<std::string> scopes;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string scope = Trim(text.substr(start, comma - start));
    if (!scope.empty()) scopes.push_back(std::move(scope));
    start = comma + 1;
  }
  if (scopes.empty()) {
    return Status::InvalidArgument(
        "--scopes needs at least one scope, e.g. --scopes repo:read (see wit token scopes)");
  }
  return scopes;
}

Status CheckTokenId(const std::string& id) {
  if (id.compare(0, 4, "wit_") == 0) {  // a pasted token: say so without echoing it
    return Status::InvalidArgument("that is a token, not a token ID; wit token list shows the IDs");
  }
  if (IsUuid(id)) return Status::OK();
  return Status::InvalidArgument("\"" + id +
                                 "\" is not a token ID; IDs look like "
                                 "550e8400-e29b-41d4-a716-446655440000 (see wit token list)");
}

Status CheckSession(const std::string& session) {
  if (session.empty()) {
    return Status::InvalidArgument(
        "not signed in: set WIT_SESSION or pass --session (witd session issue --user NAME "
        "prints one), or set WIT_TOKEN to a token with user:read or user:write");
  }
  for (char c : session) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) {
      return Status::InvalidArgument(
          "the session token holds a space or control character; check WIT_SESSION");
    }
  }
  return Status::OK();
}

Status CheckTokenCredential(const std::string& token) {
  if (!CheckTokenFormat(token).ok()) {
    return Status::InvalidArgument(
        "WIT_TOKEN is not a wit token (wit_ and 46 characters with a valid checksum); check "
        "that it was copied whole");
  }
  return Status::OK();
}

}  // namespace wit
