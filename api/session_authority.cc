#include "api/session_authority.h"

#include <cmath>
#include <optional>

#include "api/hs256_jwt.h"
#include "base/flat_json.h"
#include "base/json_writer.h"
#include "base/secret_file.h"
#include "base/time_util.h"
#include "base/utf8.h"
#include "token/token.h"

namespace wit {
namespace {

// NumericDate reads a JWT time claim: seconds since the epoch, a JSON number that may have a
// fraction (RFC 7519 §2; Poco JWT writes one). Out of range or not a number: nullopt.
std::optional<int64_t> NumericDate(const FlatValue* v) {
  if (!v || v->type != FlatValue::Type::kNumber) return std::nullopt;
  if (v->is_integer) return v->integer;
  if (!(v->number > -1e15 && v->number < 1e15)) return std::nullopt;
  return static_cast<int64_t>(std::floor(v->number));
}

}  // namespace

StatusOr<std::string> LoadOrCreateSessionKey(const std::string& path) {
  return LoadOrCreateSecret(path, "session secret");
}

SessionAuthority::SessionAuthority(std::string key) : key_(std::move(key)) {}

std::string SessionAuthority::Issue(const Principal& who, int64_t ttl_seconds) const {
  int64_t now = NowMs() / 1000;
  JsonWriter claims;
  claims.BeginObject();
  claims.Key(who.kind == Principal::Kind::kUser ? "sub" : "svc").String(who.name);
  if (who.admin && who.kind == Principal::Kind::kUser) claims.Key("adm").Bool(true);
  claims.Key("iat").Int(now).Key("exp").Int(now + ttl_seconds).EndObject();
  return SignHs256Jwt(key_, claims.str());
}

StatusOr<Principal> SessionAuthority::Authenticate(std::string_view authorization) const {
  if (authorization.empty()) return Status::Unauthenticated("missing Authorization header");
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.substr(0, kBearer.size()) != kBearer) {
    return Status::Unauthenticated("Authorization must be \"Bearer <session-token>\"");
  }
  std::string_view jwt = authorization.substr(kBearer.size());
  // The cache is keyed by the session's SHA-256, so looking a presented session up compares
  // digests, never the session itself, byte by byte against a valid one.
  std::string digest = HashToken(jwt);
  int64_t now = NowMs() / 1000;
  {
    std::shared_lock<std::shared_mutex> lock(cache_mu_);
    auto it = cache_.find(digest);
    if (it != cache_.end() && it->second.expires_at + kClockSkewSeconds > now) {
      return it->second.who;
    }
  }
  int64_t expires_at = 0;
  StatusOr<Principal> who = Verify(jwt, now, &expires_at);
  std::unique_lock<std::shared_mutex> lock(cache_mu_);
  cache_.erase(digest);  // an expired entry, if any
  if (who.ok()) {
    if (cache_.size() >= kCacheLimit) cache_.clear();
    cache_[digest] = {*who, expires_at};
  }
  return who;
}

StatusOr<Principal> SessionAuthority::Verify(std::string_view jwt, int64_t now,
                                             int64_t* expires_at) const {
  StatusOr<std::string> payload = VerifyHs256Jwt(key_, jwt);
  if (!payload.ok()) return payload.status();
  StatusOr<FlatObject> claims = ParseFlatObject(*payload);
  if (!claims.ok()) return Status::Unauthenticated("session token claims are not a JSON object");
  std::optional<int64_t> exp = NumericDate(claims->Find("exp"));
  std::optional<int64_t> iat = NumericDate(claims->Find("iat"));
  if (!exp || !iat) return Status::Unauthenticated("session token lacks exp or iat");
  *expires_at = *exp;
  if (*exp + kClockSkewSeconds <= now) {
    return Status::Unauthenticated("session token has expired");
  }
  if (*iat - kClockSkewSeconds > now) {
    return Status::Unauthenticated("session token is issued in the future");
  }
  if (const FlatValue* nbf_claim = claims->Find("nbf")) {  // RFC 7519 4.1.5
    std::optional<int64_t> nbf = NumericDate(nbf_claim);
    if (!nbf) return Status::Unauthenticated("session token's nbf is not a NumericDate");
    if (*nbf - kClockSkewSeconds > now) {
      return Status::Unauthenticated("session token is not valid yet (nbf)");
    }
  }
  const FlatValue* sub = claims->Find("sub");
  const FlatValue* svc = claims->Find("svc");
  bool has_sub = sub && sub->type == FlatValue::Type::kString;
  bool has_svc = svc && svc->type == FlatValue::Type::kString;
  if (has_sub == has_svc || (sub && !has_sub) || (svc && !has_svc)) {
    return Status::Unauthenticated("session token must name exactly one of sub or svc");
  }
  Principal who;
  who.kind = has_sub ? Principal::Kind::kUser : Principal::Kind::kService;
  who.name = has_sub ? sub->string : svc->string;
  if (who.name.empty()) return Status::Unauthenticated("session token names nobody");
  if (!IsIdentityName(who.name)) {
    return Status::Unauthenticated(
        "session token's name is not a valid user or service name (1 to 128 printable "
        "characters)");
  }
  if (const FlatValue* adm = claims->Find("adm")) {
    if (adm->type != FlatValue::Type::kBool || !has_sub) {
      return Status::Unauthenticated("session token's adm must be a boolean, on a user's session");
    }
    who.admin = adm->boolean;
  }
  return who;
}

}  // namespace wit
