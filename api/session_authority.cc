#include "api/session_authority.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <Poco/Crypto/Crypto.h>
#include <Poco/Exception.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Timestamp.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "ledger/random.h"

namespace wit {
namespace {

constexpr size_t kKeyBytes = 32;

// WriteNewKey creates `path` holding a fresh key, atomically: the key is written and synced
// under a temporary name and then linked into place, so a process that finds the file (a
// second node, `witd session issue`) never reads it half-written. If another process linked
// its key first, that one is kept.
Status WriteNewKey(const std::string& path) {
  std::string temp = path + ".tmp-" + NewUuid();
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::FailedPrecondition("cannot create session secret " + path + ": " +
                                      std::strerror(errno));
  }
  std::string key = RandomBytes(kKeyBytes);
  bool ok = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  int linked = ok ? ::link(temp.c_str(), path.c_str()) : -1;
  int link_errno = errno;
  ::unlink(temp.c_str());
  if (!ok) return Status::FailedPrecondition("cannot write session secret " + path);
  if (linked != 0 && link_errno != EEXIST) {
    return Status::FailedPrecondition("cannot create session secret " + path + ": " +
                                      std::strerror(link_errno));
  }
  return Status::OK();
}

}  // namespace

StatusOr<std::string> LoadOrCreateSessionKey(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    Status s = WriteNewKey(path);
    if (!s.ok()) return s;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::FailedPrecondition("cannot read session secret " + path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::string key = bytes.str();
  if (key.size() < kKeyBytes) {
    return Status::FailedPrecondition("session secret " + path + " holds " +
                                      std::to_string(key.size()) +
                                      " bytes; it needs at least 32");
  }
  return key;
}

SessionAuthority::SessionAuthority(std::string key) : key_(std::move(key)) {
  // Poco's JWT signer initialises and tears down Poco::Crypto for every HMAC it computes; two
  // requests doing that at once race inside OpenSSLInitializer and crash the process. Holding
  // one initialisation for the life of the process keeps the count above zero.
  static const bool initialized = [] {
    Poco::Crypto::initializeCrypto();
    return true;
  }();
  (void)initialized;
}

std::string SessionAuthority::Issue(const Principal& who, int64_t ttl_seconds) const {
  Poco::JWT::Token token;
  token.setType("JWT");
  if (who.kind == Principal::Kind::kUser) {
    token.setSubject(who.name);
  } else {
    token.payload().set("svc", who.name);
  }
  Poco::Timestamp now;
  token.setIssuedAt(now);
  token.setExpiration(now + ttl_seconds * Poco::Timestamp::resolution());
  Poco::JWT::Signer signer(key_);
  return signer.sign(token, Poco::JWT::Signer::ALGO_HS256);
}

StatusOr<Principal> SessionAuthority::Authenticate(std::string_view authorization) const {
  if (authorization.empty()) return Status::Unauthenticated("missing Authorization header");
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.substr(0, kBearer.size()) != kBearer) {
    return Status::Unauthenticated("Authorization must be \"Bearer <session-token>\"");
  }
  std::string jwt(authorization.substr(kBearer.size()));
  int64_t now = Poco::Timestamp().epochTime();
  {
    std::shared_lock<std::shared_mutex> lock(cache_mu_);
    auto it = cache_.find(jwt);
    if (it != cache_.end() && it->second.expires_at + kClockSkewSeconds > now) {
      return it->second.who;
    }
  }
  int64_t expires_at = 0;
  StatusOr<Principal> who = Verify(jwt, &expires_at);
  std::unique_lock<std::shared_mutex> lock(cache_mu_);
  cache_.erase(jwt);  // an expired entry, if any
  if (who.ok()) {
    if (cache_.size() >= kCacheLimit) cache_.clear();
    cache_[jwt] = {*who, expires_at};
  }
  return who;
}

StatusOr<Principal> SessionAuthority::Verify(const std::string& jwt, int64_t* expires_at) const {
  Principal who;
  try {
    Poco::JWT::Signer signer(key_);  // allows HS256 only, so "alg: none" fails here
    Poco::JWT::Token token;
    if (!signer.tryVerify(jwt, token)) {
      return Status::Unauthenticated("session token is malformed or its signature is wrong");
    }
    const auto& claims = token.payload();
    if (!claims.has("exp") || !claims.has("iat")) {
      return Status::Unauthenticated("session token lacks exp or iat");
    }
    int64_t now = Poco::Timestamp().epochTime();
    *expires_at = token.getExpiration().epochTime();
    if (*expires_at + kClockSkewSeconds <= now) {
      return Status::Unauthenticated("session token has expired");
    }
    if (token.getIssuedAt().epochTime() - kClockSkewSeconds > now) {
      return Status::Unauthenticated("session token is issued in the future");
    }
    bool has_sub = claims.has("sub") && claims.get("sub").isString();
    bool has_svc = claims.has("svc") && claims.get("svc").isString();
    if (has_sub == has_svc) {
      return Status::Unauthenticated("session token must name exactly one of sub or svc");
    }
    who.kind = has_sub ? Principal::Kind::kUser : Principal::Kind::kService;
    who.name = claims.getValue<std::string>(has_sub ? "sub" : "svc");
  } catch (const Poco::Exception&) {
    return Status::Unauthenticated("session token is malformed");
  } catch (const std::exception&) {
    return Status::Unauthenticated("session token is malformed");
  }
  if (who.name.empty()) return Status::Unauthenticated("session token names nobody");
  return who;
}

}  // namespace wit
