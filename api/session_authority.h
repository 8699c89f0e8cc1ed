#ifndef WIT_API_SESSION_AUTHORITY_H_
#define WIT_API_SESSION_AUTHORITY_H_

#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/status.h"

namespace wit {

// Principal is who a request speaks for: a user (JWT claim "sub") or a service ("svc"). A user
// session with claim "adm": true is an admin's, which the admin routes take (api/admin_routes.h);
// on every other route it is its user's session like any other.
struct Principal {
  enum class Kind { kUser, kService };
  Kind kind = Kind::kUser;
  std::string name;
  bool admin = false;
};

// LoadOrCreateSessionKey returns the bytes of the session secret at `path`. An absent file is
// created with 32 bytes from the CSPRNG and mode 0600 (its directory must exist); an existing
// file shorter than 32 bytes is FailedPrecondition.
StatusOr<std::string> LoadOrCreateSessionKey(const std::string& path);

// SessionAuthority issues and checks session tokens: HS256 JWTs (hs256_jwt.h) signed with the
// session secret, claims sub|svc, iat, exp, and adm for an admin. The signature is compared in
// constant time. Thread-safe.
class SessionAuthority {
 public:
  // How far `exp` may lie in the past and `iat` in the future, for clocks that disagree.
  static constexpr int64_t kClockSkewSeconds = 30;

  explicit SessionAuthority(std::string key);

  // Issue returns a signed session for `who`, valid `ttl_seconds` from now.
  std::string Issue(const Principal& who, int64_t ttl_seconds) const;

  // Authenticate checks an Authorization header value ("Bearer <jwt>") and returns the
  // principal, or Unauthenticated saying what is wrong (missing, malformed, bad signature,
  // expired). Never throws. Sessions that passed are remembered until they expire, so a
  // service presenting the same credential on every call pays for one signature check.
  StatusOr<Principal> Authenticate(std::string_view authorization) const;

 private:
  static constexpr size_t kCacheLimit = 10'000;
  struct Verified {
    Principal who;
    int64_t expires_at;  // epoch seconds, from the token's exp
  };

  StatusOr<Principal> Verify(std::string_view jwt, int64_t now, int64_t* expires_at) const;

  std::string key_;
  mutable std::shared_mutex cache_mu_;
  mutable std::unordered_map<std::string, Verified> cache_;  // by the session's SHA-256
};

}  // namespace wit

#endif  // WIT_API_SESSION_AUTHORITY_H_
