#include "bench/event_mix.h"

#include "base/random.h"
#include "token/token.h"

namespace wit::bench {
namespace {

constexpr double kCreatedShare = 0.10;
constexpr double kRevokedShare = 0.05;

const char* const kActions[] = {"git.fetch", "git.push", "api.read", "api.write"};
const char* const kScopes[] = {"repo:read", "repo:write", "repo:read", "repo:write"};

}  // namespace

Event EventMix::Next() {
  double r = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  if (tokens_.empty() || r < kCreatedShare) return Created();
  if (r < kCreatedShare + kRevokedShare && !active_.empty()) return Revoked();
  return Used();
}

Event EventMix::Base(EventType type, const OwnedToken& token) {
  Event e;
  e.type = type;
  e.event_id = NewUuid();
  e.occurred_at = NowMs();
  e.token_id = token.id;
  e.user_id = token.user;
  return e;
}

Event EventMix::Created() {
  OwnedToken token;
  token.id = NewUuid();
  token.user = "user-" + std::to_string(rng_() % kUsers);
  active_.push_back(tokens_.size());
  tokens_.push_back(token);

  GeneratedToken secret = GenerateToken();
  Event e = Base(EventType::kCreated, token);
  e.name = "ci-token-" + std::to_string(tokens_.size());
  e.prefix = secret.prefix;
  e.token_hash = secret.hash;
  e.scopes = {"repo:read", "repo:write"};
  if (rng_() % 2 == 0) e.expires_at = e.occurred_at + 30 * kMsPerDay;
  return e;
}

Event EventMix::Revoked() {
  size_t pick = rng_() % active_.size();
  OwnedToken& token = tokens_[active_[pick]];
  active_[pick] = active_.back();
  active_.pop_back();
  token.active = false;
  ++revoked_;
  Event e = Base(EventType::kRevoked, token);
  e.revoked_by = token.user;
  return e;
}

Event EventMix::Used() {
  const OwnedToken& token = tokens_[rng_() % tokens_.size()];
  ++used_;
  Event e = Base(EventType::kUsed, token);
  e.outcome = token.active ? "allowed" : "denied";
  if (!token.active) e.reason = "revoked";
  size_t k = rng_() % 4;
  e.scope = kScopes[k];
  e.service = "git";
  e.ip = "10.0." + std::to_string(rng_() % 256) + "." + std::to_string(rng_() % 256);
  e.user_agent = "git/2.43.0 (linux; x86_64)";
  e.action = kActions[k];
  e.resource = "acme/repo-" + std::to_string(rng_() % 500);
  return e;
}

}  // namespace wit::bench
