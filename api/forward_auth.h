#ifndef WIT_API_FORWARD_AUTH_H_
#define WIT_API_FORWARD_AUTH_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace wit {

// kForwardAuthPrefix is the forward-auth endpoint; Envoy's ext_authz appends the original
// path to it.
inline constexpr std::string_view kForwardAuthPrefix = "/api/auth/forward";

// ForwardHeaders are the headers a proxy tells the original request by, "" when absent.
struct ForwardHeaders {
  std::string original_method;   // X-Original-Method (nginx)
  std::string original_uri;      // X-Original-URI (nginx's $request_uri)
  std::string forwarded_method;  // X-Forwarded-Method (Traefik)
  std::string forwarded_uri;     // X-Forwarded-Uri (Traefik)
  std::string forwarded_for;     // X-Forwarded-For
  std::string real_ip;           // X-Real-IP
};

// OriginalRequest is the request a proxy asks about.
struct OriginalRequest {
  std::string method;
  std::string path;   // decoded, "." and ".." resolved, "//" merged: what the upstream serves
  std::string query;  // as sent, without the '?'
};

// ReadOriginalRequest finds the original request: nginx's headers, Traefik's, or `method` and
// the part of `uri` below kForwardAuthPrefix (Envoy). More than one of the three at once is
// InvalidArgument: a proxy passes its client's headers on, so the second may be the client's
// forgery. So is a URI that is not a path, does not decode, holds a NUL or climbs above the
// root, and a method that is not a token of letters.
StatusOr<OriginalRequest> ReadOriginalRequest(const ForwardHeaders& headers,
                                              const std::string& method, const std::string& uri);

// NormalizePath decodes %XX in `raw` and resolves its dot segments, as a server does before
// it serves the path (RFC 3986 §5.2.4). "/a/./b/../c//d" is "/a/c/d".
StatusOr<std::string> NormalizePath(std::string_view raw);

// ForwardedClient is the end user's address: X-Real-IP, else the last X-Forwarded-For entry
// (the one the proxy itself added; those before it are the client's word). "" when neither is
// an IP address.
std::string ForwardedClient(const ForwardHeaders& headers);

// RuleMatch is what a matched request needs and is recorded as.
struct RuleMatch {
  std::string scope;     // "repo:read"
  std::string action;    // "git.fetch"
  std::string resource;  // the path without its leading '/': "alice/repo.git"
};

// AuthRules maps an original request to the scope it needs. The built-in git smart-HTTP rules
// always apply: info/refs?service=git-upload-pack and POST git-upload-pack need repo:read
// (git.fetch), their git-receive-pack twins repo:write (git.push), the resource being the
// repository path. Rules from a file are tried first, in order. A request no rule matches is
// denied: nothing is open by accident. Immutable once built; thread-safe.
class AuthRules {
 public:
  struct Rule {
    std::string method;  // "GET", or "*" for any
    std::string path;    // a PathGlobMatch pattern, "/api/**"
    std::string scope;
    std::string action;
  };

  AuthRules() = default;

  // Parse reads a rules file:
  //   {"rules": [{"method": "GET", "path": "/api/**", "scope": "repo:read",
  //               "action": "api.read"}]}
  // every member required, the scope a known one, the method "*" or upper-case letters, the
  // path starting with '/'. Anything else is InvalidArgument naming the rule.
  static StatusOr<AuthRules> Parse(std::string_view json);
  // Load is Parse of the file at `path`; an unreadable file is FailedPrecondition.
  static StatusOr<AuthRules> Load(const std::string& path);

  std::optional<RuleMatch> Match(const OriginalRequest& request) const;

  size_t size() const { return rules_.size(); }

 private:
  std::vector<Rule> rules_;
};

}  // namespace wit

#endif  // WIT_API_FORWARD_AUTH_H_
