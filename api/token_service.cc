#include "api/token_service.h"

#include <algorithm>
#include <functional>

#include "base/random.h"
#include "base/utf8.h"
#include "token/resource_limits.h"
#include "token/scopes.h"
#include "token/token.h"

namespace wit {
namespace {

Event NewEvent(EventType type, const std::string& token_id, const std::string& user) {
  Event e;
  e.type = type;
  e.event_id = NewUuid();
  e.occurred_at = NowMs();
  e.token_id = token_id;
  e.user_id = user;
  return e;
}

const std::vector<std::string> kNoLimit;

// NotBefore keeps a token's events in time order whatever the clocks of the nodes that wrote
// them: an event about `token` is never dated before the token's creation, which a node whose
// clock is behind the creator's would otherwise do.
void NotBefore(const TokenState& token, Event* e) {
  e->occurred_at = std::max(e->occurred_at, token.created_at);
}

}  // namespace

Status ValidateTokenName(const std::string& name) {
  size_t chars = 0;
  for (size_t i = 0, n = 0; i < name.size(); i += n, ++chars) {
    n = Utf8SequenceLength(name, i);
    if (n == 0) return Status::InvalidArgument("name is not valid UTF-8");
    auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7f) return Status::InvalidArgument("name holds a control character");
  }
  if (chars == 0) return Status::InvalidArgument("name must not be empty");
  if (chars > TokenService::kMaxNameLength) {
    return Status::InvalidArgument("name must be at most 100 characters");
  }
  return Status::OK();
}

TokenService::TokenService(EventLog* log, TokenView* view, UseRecorder* uses, Metrics* metrics,
                           std::chrono::milliseconds visibility_timeout)
    : log_(log),
      view_(view),
      uses_(uses),
      metrics_(metrics),
      visibility_timeout_(visibility_timeout) {}

Status TokenService::AppendAndWait(const Event& event) {
  StatusOr<LogPosition> pos = log_->Append(event);
  if (!pos.ok()) return pos.status();
  metrics_->Increment("wit_events_appended_total", {{"type", EventTypeName(event.type)}});
  if (!view_->WaitApplied(*pos, visibility_timeout_)) {
    return Status::Unavailable("the event is recorded but the view has not caught up yet");
  }
  return Status::OK();
}

StatusOr<std::optional<int64_t>> TokenService::ResolveExpiry(std::optional<int64_t> days) const {
  int64_t max = std::min(policy_.max_days.value_or(kMaxExpiresInDays), kMaxExpiresInDays);
  if (!days) {
    if (policy_.require_expiry) {
      return Status::InvalidArgument(
          "this server requires an expiry: give expiresInDays from 1 to " + std::to_string(max));
    }
    return policy_.max_days ? std::optional<int64_t>(max) : std::nullopt;
  }
  if (*days < 1 || *days > max) {
    std::string limit = policy_.max_days ? " (this server's maximum lifetime)" : "";
    return Status::InvalidArgument("expiresInDays must be between 1 and " + std::to_string(max) +
                                   limit);
  }
  return days;
}

std::optional<std::string> TokenService::Redact(std::optional<std::string> value,
                                                const char* field) const {
  if (value) {
    if (size_t n = RedactTokens(&*value)) {
      metrics_->Increment("wit_redacted_total", {{"field", field}}, n);
    }
  }
  return value;
}

StatusOr<CreatedToken> TokenService::Create(const std::string& user, const CreateRequest& req) {
  if (Status s = ValidateTokenName(req.name); !s.ok()) return s;
  Event e = NewEvent(EventType::kCreated, "", user);
  e.name = *Redact(req.name, "name");
  e.scopes = DefaultScopes();
  if (req.scopes) {
    if (req.scopes->empty()) return Status::InvalidArgument("scopes must not be empty");
    StatusOr<std::vector<std::string>> normalized = NormalizeScopes(*req.scopes);
    if (!normalized.ok()) return normalized.status();
    e.scopes = std::move(*normalized);
  }
  if (req.allowed_ips) {
    StatusOr<std::vector<std::string>> ips = NormalizeAllowedIps(*req.allowed_ips);
    if (!ips.ok()) return ips.status();
    e.allowed_ips = std::move(*ips);
  }
  if (req.resources) {
    StatusOr<std::vector<std::string>> resources = NormalizeResources(*req.resources);
    if (!resources.ok()) return resources.status();
    e.resources = std::move(*resources);
  }
  StatusOr<std::optional<int64_t>> days = ResolveExpiry(req.expires_in_days);
  if (!days.ok()) return days.status();
  return Issue(std::move(e), *days);
}

StatusOr<CreatedToken> TokenService::Issue(Event e, std::optional<int64_t> days) {
  GeneratedToken generated = GenerateToken();
  while (view_->PrefixTaken(generated.prefix)) generated = GenerateToken();
  e.token_id = NewTimeOrderedUuid(e.occurred_at);
  e.prefix = generated.prefix;
  e.token_hash = generated.hash;
  if (days) e.expires_at = e.occurred_at + *days * kMsPerDay;
  if (Status s = AppendAndWait(e); !s.ok()) return s;

  StatusOr<TokenState> state = view_->GetById(e.token_id);
  if (!state.ok()) return state.status();
  return CreatedToken{std::move(*state), std::move(generated.plaintext)};
}

StatusOr<std::vector<TokenState>> TokenService::List(const std::string& user,
                                                     const std::string& status) {
  if (status != "active" && status != "revoked" && status != "expired" && status != "all") {
    return Status::InvalidArgument("status must be one of active, revoked, expired, all");
  }
  // Revocation is for good: active and expired tokens are among the unrevoked.
  std::vector<TokenState> all = view_->ListByUser(user, status == "active" || status == "expired"
                                                            ? TokenView::Listing::kUnrevoked
                                                            : TokenView::Listing::kAll);
  if (status == "all") return all;
  TimeMs now = NowMs();
  std::vector<TokenState> out;
  for (auto& t : all) {
    if (status == StatusName(StatusAt(t, now))) out.push_back(std::move(t));
  }
  return out;
}

StatusOr<TokenState> TokenService::Get(const std::string& user, const std::string& id) {
  if (!IsUuid(id)) return Status::NotFound("no token " + id);
  StatusOr<TokenState> t = view_->GetById(id);
  if (!t.ok()) return t.status();
  if (t->user_id != user) return Status::NotFound("no token " + id);  // never reveal others'
  return t;
}

std::mutex& TokenService::RevokeLock(const std::string& id) {
  return revoke_mu_[std::hash<std::string>{}(id) % kRevokeStripes];
}

StatusOr<TokenState> TokenService::Revoke(const std::string& user, const std::string& id,
                                          const RevokeRequest& how) {
  std::lock_guard<std::mutex> lock(RevokeLock(id));
  StatusOr<TokenState> t = Get(user, id);
  if (!t.ok() || t->revoked_at) return t;
  Event e = NewEvent(EventType::kRevoked, id, user);
  NotBefore(*t, &e);
  e.revoked_by = how.revoked_by.empty() ? user : how.revoked_by;
  e.reason = Redact(how.reason, "reason");
  e.report_url = how.report_url;
  e.report_source = how.report_source;
  if (Status s = AppendAndWait(e); !s.ok()) return s;
  return view_->GetById(id);
}

StatusOr<RotatedToken> TokenService::Rotate(const std::string& user, const std::string& id,
                                            std::optional<int64_t> expires_in_days) {
  if (expires_in_days) {
    if (StatusOr<std::optional<int64_t>> days = ResolveExpiry(expires_in_days); !days.ok()) {
      return days.status();
    }
  }
  std::unique_lock<std::mutex> lock(RevokeLock(id));
  StatusOr<TokenState> old = Get(user, id);
  if (!old.ok()) return old.status();
  // A view that may have missed this token's rotation or revocation can neither issue its
  // successor nor tell a reuse.
  if (freshness_) {
    if (Status fresh = freshness_->CheckToken(id); !fresh.ok()) return fresh;
    old = Get(user, id);
    if (!old.ok()) return old.status();
  }
  if (old->revoked_at && old->revoked_reason == "rotated") {
    // Whoever holds a rotated-away token is not its owner, who holds its successor: either
    // may be the thief, so the whole family goes.
    lock.unlock();
    StatusOr<size_t> revoked = RevokeFamily(user, old->FamilyId());
    if (!revoked.ok()) return revoked.status();
    metrics_->Increment("wit_rotation_reuse_total");
    return Status::Unauthenticated("token " + id +
                                   " was rotated before: rotating it again is a reuse, so its "
                                   "family is revoked (" +
                                   std::to_string(*revoked) + " active tokens)");
  }
  TokenStatus status = StatusAt(*old, NowMs());
  if (status != TokenStatus::kActive) {
    return Status::FailedPrecondition("token " + id + " is " + StatusName(status) +
                                      ": create a new one (wit token create)");
  }
  if (!expires_in_days && old->expires_at) {
    int64_t lifetime = *old->expires_at - old->created_at;
    expires_in_days = std::max<int64_t>(1, (lifetime + kMsPerDay - 1) / kMsPerDay);
  }
  StatusOr<std::optional<int64_t>> days = ResolveExpiry(expires_in_days);
  if (!days.ok()) return days.status();

  Event e = NewEvent(EventType::kCreated, "", user);
  e.name = old->name;
  e.scopes = old->scopes;
  if (!old->allowed_ips.empty()) e.allowed_ips = old->allowed_ips;
  if (!old->resources.empty()) e.resources = old->resources;
  e.rotated_from = old->id;
  e.family_id = old->FamilyId();
  // The new token first: a failure between the two events leaves the user both tokens, never
  // neither.
  StatusOr<CreatedToken> created = Issue(std::move(e), *days);
  if (!created.ok()) return created.status();
  Event revoke = NewEvent(EventType::kRevoked, id, user);
  NotBefore(*old, &revoke);
  revoke.revoked_by = user;
  revoke.reason = "rotated";
  if (Status s = AppendAndWait(revoke); !s.ok()) return s;
  StatusOr<TokenState> revoked = view_->GetById(id);
  if (!revoked.ok()) return revoked.status();
  return RotatedToken{std::move(*created), std::move(*revoked)};
}

StatusOr<size_t> TokenService::RevokeFamily(const std::string& user, const std::string& family) {
  size_t revoked = 0;
  for (const TokenState& t : view_->ListByUser(user, TokenView::Listing::kUnrevoked)) {
    if (t.FamilyId() != family) continue;
    StatusOr<TokenState> r = Revoke(user, t.id, RevokeRequest{"reuse_detected", user});
    if (!r.ok()) return r.status();
    ++revoked;
  }
  return revoked;
}

StatusOr<TokenState> TokenService::FindByPlaintext(const std::string& plaintext) const {
  if (!CheckTokenFormat(plaintext).ok()) return Status::InvalidArgument("not a wit token");
  StatusOr<TokenState> t = view_->GetByHash(HashToken(plaintext));
  if (!freshness_) return t;
  // "No such token" or "active" from a view that may be behind could be wrong (a leak report
  // would be labelled a false positive, a reuse missed): say so instead.
  if (!t.ok() && t.status().code() == Status::Code::kNotFound) {
    if (Status fresh = freshness_->AllFresh(); !fresh.ok()) return fresh;
  } else if (t.ok()) {
    if (Status fresh = freshness_->CheckToken(t->id); !fresh.ok()) return fresh;
    t = view_->GetByHash(HashToken(plaintext));
  }
  return t;
}

StatusOr<std::pair<VerifyResult, std::optional<Event>>> TokenService::Decide(
    const std::string& service, const VerifyRequest& req) const {
  VerifyResult result;
  if (req.scope && !IsKnownScope(*req.scope)) {
    return Status::InvalidArgument("unknown scope: " + *req.scope);
  }
  if (!CheckTokenFormat(req.token).ok()) {
    result.reason = "malformed";
    return std::pair{std::move(result), std::optional<Event>()};
  }
  const std::string hash = HashToken(req.token);
  StatusOr<TokenState> t = view_->GetByHash(hash);
  if (!t.ok()) {
    if (t.status().code() != Status::Code::kNotFound) return t.status();
    result.reason = "unknown";
    return std::pair{std::move(result), std::optional<Event>()};
  }
  TokenStatus status = StatusAt(*t, NowMs());
  // Revoked and expired are for good, but a view that may have missed a revocation cannot
  // call the token active: the caller retries on a node that can tell.
  if (freshness_ && status == TokenStatus::kActive) {
    if (Status fresh = freshness_->CheckToken(t->id); !fresh.ok()) return fresh;
    // The state was read before the check, perhaps just before a revocation that made the
    // partition fresh again: the answer comes from a read after it.
    t = view_->GetByHash(hash);
    if (!t.ok()) return t.status();
    status = StatusAt(*t, NowMs());
  }
  if (status == TokenStatus::kRevoked) {
    result.reason = "revoked";
  } else if (status == TokenStatus::kExpired) {
    result.reason = "expired";
  } else if (req.deny) {
    result.reason = *req.deny;
  } else if (req.scope && !ScopesGrant(t->scopes, *req.scope)) {
    result.reason = "insufficient_scope";
  } else if (std::optional<std::string> limit =
                 LimitDenial(t->allowed_ips, req.check_resource ? t->resources : kNoLimit, req.ip,
                             req.resource)) {
    result.reason = *limit;
  }

  Event e = NewEvent(EventType::kUsed, t->id, t->user_id);
  NotBefore(*t, &e);
  e.outcome = result.reason.empty() ? "allowed" : "denied";
  if (!result.reason.empty()) e.reason = result.reason;
  e.scope = req.scope;
  e.service = service;
  e.ip = req.ip;
  e.user_agent = Redact(req.user_agent, "userAgent");
  e.action = Redact(req.action, "action");
  e.resource = Redact(req.resource, "resource");
  result.active = result.reason.empty();
  if (result.active) result.token = std::move(*t);
  return std::pair{std::move(result), std::optional<Event>(std::move(e))};
}

StatusOr<VerifyResult> TokenService::Verify(const std::string& service, const VerifyRequest& req) {
  StatusOr<std::pair<VerifyResult, std::optional<Event>>> decided = Decide(service, req);
  if (!decided.ok()) return decided.status();
  auto& [result, use] = *decided;
  if (use) {
    if (Status s = req.durable ? uses_->RecordDurably(*use) : uses_->Record(*use); !s.ok()) {
      return s;
    }
  }
  return std::move(result);
}

void TokenService::VerifyThen(const std::string& service, const VerifyRequest& req,
                              std::function<void(StatusOr<VerifyResult>)> done) {
  if (req.durable || uses_->mode() != UseRecorder::Mode::kSync) {
    done(Verify(service, req));
    return;
  }
  StatusOr<std::pair<VerifyResult, std::optional<Event>>> decided = Decide(service, req);
  if (!decided.ok() || !decided->second) {
    done(decided.ok() ? StatusOr<VerifyResult>(std::move(decided->first))
                      : StatusOr<VerifyResult>(decided.status()));
    return;
  }
  Event use = std::move(*decided->second);
  uses_->RecordThen(std::move(use), [result = std::move(decided->first),
                                     done = std::move(done)](const Status& s) mutable {
    if (s.ok()) {
      done(std::move(result));
    } else {
      done(s);
    }
  });
}

}  // namespace wit
