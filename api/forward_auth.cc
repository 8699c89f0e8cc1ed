#include "api/forward_auth.h"

#include <Poco/Net/IPAddress.h>

#include <fstream>
#include <sstream>

#include "api/form_body.h"
#include "base/flat_json.h"
#include "base/path_glob.h"
#include "token/scopes.h"

namespace wit {
namespace {

bool IsMethod(std::string_view m) {
  if (m.empty() || m.size() > 20) return false;
  for (char c : m) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

// StripSpaces trims the blanks around a header list entry.
std::string_view StripSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsIp(std::string_view s) {
  Poco::Net::IPAddress ip;
  return !s.empty() && s.size() < 64 && Poco::Net::IPAddress::tryParse(std::string(s), ip);
}

// GitRule matches git's smart-HTTP requests (git-http-backend(1)).
std::optional<RuleMatch> GitRule(const OriginalRequest& r) {
  auto ends_with = [&](std::string_view suffix) {
    return r.path.size() > suffix.size() &&
           r.path.compare(r.path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  auto match = [&](std::string_view suffix, bool push) {
    std::string repo = r.path.substr(1, r.path.size() - suffix.size() - 1);
    return RuleMatch{push ? "repo:write" : "repo:read", push ? "git.push" : "git.fetch", repo};
  };
  if ((r.method == "GET" || r.method == "HEAD") && ends_with("/info/refs")) {
    StatusOr<FormFields> query = ParseFormBody(r.query, {"service"});
    if (!query.ok()) return std::nullopt;
    auto service = query->find("service");
    if (service == query->end()) return std::nullopt;  // the dumb protocol: not served
    if (service->second == "git-upload-pack") return match("/info/refs", false);
    if (service->second == "git-receive-pack") return match("/info/refs", true);
    return std::nullopt;
  }
  if (r.method == "POST" && ends_with("/git-upload-pack")) return match("/git-upload-pack", false);
  if (r.method == "POST" && ends_with("/git-receive-pack")) return match("/git-receive-pack", true);
  return std::nullopt;
}

}  // namespace

StatusOr<std::string> NormalizePath(std::string_view raw) {
  if (raw.empty() || raw.front() != '/') return Status::InvalidArgument("the URI is not a path");
  StatusOr<std::string> decoded = PercentDecode(raw, false);
  if (!decoded.ok()) return Status::InvalidArgument("the URI holds " + decoded.status().message());
  std::vector<std::string_view> segments;
  std::string_view rest(*decoded);
  bool trailing = false;
  while (!rest.empty()) {
    rest.remove_prefix(1);  // the '/'
    size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    trailing = rest.empty() && (seg.empty() || seg == "." || seg == "..");
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (segments.empty()) return Status::InvalidArgument("the URI climbs above the root");
      segments.pop_back();
      continue;
    }
    segments.push_back(seg);
  }
  std::string out;
  for (std::string_view seg : segments) out.append("/").append(seg);
  if (out.empty() || trailing) out += '/';
  return out;
}

StatusOr<OriginalRequest> ReadOriginalRequest(const ForwardHeaders& headers,
                                              const std::string& method, const std::string& uri) {
  OriginalRequest out;
  std::string below = uri.substr(std::min(uri.size(), kForwardAuthPrefix.size()));
  bool nginx = !headers.original_uri.empty() || !headers.original_method.empty();
  bool traefik = !headers.forwarded_uri.empty() || !headers.forwarded_method.empty();
  bool envoy = !below.empty() && below.front() != '?';
  // One proxy tells the request one way. Two ways at once means a client sent one of them
  // (a proxy passes the client's headers on), and either could be the lie.
  if (int(nginx) + int(traefik) + int(envoy) > 1) {
    return Status::InvalidArgument(
        "the original request is told more than one way (nginx's headers, Traefik's, or a "
        "path below the endpoint)");
  }
  std::string raw;
  if (nginx) {
    out.method = headers.original_method;
    raw = headers.original_uri;
  } else if (traefik) {
    out.method = headers.forwarded_method;
    raw = headers.forwarded_uri;
  } else {
    out.method = method;
    raw = below.empty() || below.front() == '?' ? "/" + below : below;
  }
  if (!IsMethod(out.method)) {
    return Status::InvalidArgument("the original method is missing or not a method");
  }
  size_t q = raw.find('?');
  if (q != std::string::npos) {
    out.query = raw.substr(q + 1);
    raw.resize(q);
  }
  size_t fragment = out.query.find('#');
  if (fragment != std::string::npos) out.query.resize(fragment);
  StatusOr<std::string> path = NormalizePath(raw);
  if (!path.ok()) return path.status();
  out.path = std::move(*path);
  return out;
}

std::string ForwardedClient(const ForwardHeaders& headers) {
  std::string_view real = StripSpaces(headers.real_ip);
  if (IsIp(real)) return std::string(real);
  std::string_view list = headers.forwarded_for;
  size_t comma = list.rfind(',');
  std::string_view last =
      StripSpaces(comma == std::string_view::npos ? list : list.substr(comma + 1));
  return IsIp(last) ? std::string(last) : std::string();
}

StatusOr<AuthRules> AuthRules::Parse(std::string_view json) {
  StatusOr<FlatObject> doc = ParseFlatObject(json);
  if (!doc.ok())
    return Status::InvalidArgument("the rules file is not JSON: " + doc.status().message());
  const FlatValue* rules = doc->Find("rules");
  if (!rules || (rules->type != FlatValue::Type::kArray &&
                 !(rules->type == FlatValue::Type::kStringArray && rules->strings.empty()))) {
    return Status::InvalidArgument("the rules file needs \"rules\": an array of objects");
  }
  AuthRules out;
  for (size_t i = 0; i < rules->elements.size(); ++i) {
    std::string where = "rule " + std::to_string(i + 1);
    const FlatValue& v = rules->elements[i];
    if (v.type != FlatValue::Type::kObject)
      return Status::InvalidArgument(where + " is not an object");
    Rule rule;
    for (auto [key, field] : {std::pair{"method", &rule.method}, std::pair{"path", &rule.path},
                              std::pair{"scope", &rule.scope}, std::pair{"action", &rule.action}}) {
      const FlatValue* member = v.object->Find(key);
      if (!member || member->type != FlatValue::Type::kString || member->string.empty()) {
        return Status::InvalidArgument(where + " needs \"" + key + "\": a string");
      }
      *field = member->string;
    }
    if (rule.method != "*" && !IsMethod(rule.method)) {
      return Status::InvalidArgument(where + ": method must be \"*\" or upper-case, like GET");
    }
    if (rule.path.front() != '/')
      return Status::InvalidArgument(where + ": path must start with /");
    if (!IsKnownScope(rule.scope))
      return Status::InvalidArgument(where + ": unknown scope " + rule.scope);
    out.rules_.push_back(std::move(rule));
  }
  return out;
}

StatusOr<AuthRules> AuthRules::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::FailedPrecondition("cannot read the rules file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  StatusOr<AuthRules> rules = Parse(text.str());
  if (!rules.ok()) return Status::InvalidArgument(path + ": " + rules.status().message());
  return rules;
}

std::optional<RuleMatch> AuthRules::Match(const OriginalRequest& request) const {
  for (const Rule& rule : rules_) {
    if ((rule.method == "*" || rule.method == request.method) &&
        PathGlobMatch(rule.path, request.path)) {
      return RuleMatch{rule.scope, rule.action, request.path.substr(1)};
    }
  }
  return GitRule(request);
}

}  // namespace wit
