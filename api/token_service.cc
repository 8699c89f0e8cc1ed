#include "api/token_service.h"

#include <functional>

#include "base/random.h"
#include "base/utf8.h"
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

StatusOr<CreatedToken> TokenService::Create(const std::string& user, const CreateRequest& req) {
  if (Status s = ValidateTokenName(req.name); !s.ok()) return s;
  std::vector<std::string> scopes = DefaultScopes();
  if (req.scopes) {
    if (req.scopes->empty()) return Status::InvalidArgument("scopes must not be empty");
    StatusOr<std::vector<std::string>> normalized = NormalizeScopes(*req.scopes);
    if (!normalized.ok()) return normalized.status();
    scopes = std::move(*normalized);
  }
  if (req.expires_in_days &&
      (*req.expires_in_days < 1 || *req.expires_in_days > kMaxExpiresInDays)) {
    return Status::InvalidArgument("expiresInDays must be between 1 and " +
                                   std::to_string(kMaxExpiresInDays));
  }

  GeneratedToken generated = GenerateToken();
  while (view_->PrefixTaken(generated.prefix)) generated = GenerateToken();

  Event e = NewEvent(EventType::kCreated, "", user);
  e.token_id = NewTimeOrderedUuid(e.occurred_at);
  e.name = req.name;
  e.prefix = generated.prefix;
  e.token_hash = generated.hash;
  e.scopes = scopes;
  if (req.expires_in_days) e.expires_at = e.occurred_at + *req.expires_in_days * kMsPerDay;
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

StatusOr<TokenState> TokenService::Revoke(const std::string& user, const std::string& id) {
  std::lock_guard<std::mutex> lock(RevokeLock(id));
  StatusOr<TokenState> t = Get(user, id);
  if (!t.ok() || t->revoked_at) return t;
  Event e = NewEvent(EventType::kRevoked, id, user);
  e.revoked_by = user;
  if (Status s = AppendAndWait(e); !s.ok()) return s;
  return view_->GetById(id);
}

StatusOr<VerifyResult> TokenService::Verify(const std::string& service, const VerifyRequest& req) {
  VerifyResult result;
  if (req.scope && !IsKnownScope(*req.scope)) {
    return Status::InvalidArgument("unknown scope: " + *req.scope);
  }
  if (!CheckTokenFormat(req.token).ok()) {
    result.reason = "malformed";
    return result;
  }
  StatusOr<TokenState> t = view_->GetByHash(HashToken(req.token));
  if (!t.ok()) {
    if (t.status().code() != Status::Code::kNotFound) return t.status();
    result.reason = "unknown";
    return result;
  }
  TokenStatus status = StatusAt(*t, NowMs());
  if (status == TokenStatus::kRevoked) {
    result.reason = "revoked";
  } else if (status == TokenStatus::kExpired) {
    result.reason = "expired";
  } else if (req.deny) {
    result.reason = *req.deny;
  } else if (req.scope && !ScopesGrant(t->scopes, *req.scope)) {
    result.reason = "insufficient_scope";
  }

  Event e = NewEvent(EventType::kUsed, t->id, t->user_id);
  e.outcome = result.reason.empty() ? "allowed" : "denied";
  if (!result.reason.empty()) e.reason = result.reason;
  e.scope = req.scope;
  e.service = service;
  e.ip = req.ip;
  e.user_agent = req.user_agent;
  e.action = req.action;
  e.resource = req.resource;
  if (Status s = req.durable ? uses_->RecordDurably(e) : uses_->Record(e); !s.ok()) return s;

  result.active = result.reason.empty();
  if (result.active) result.token = std::move(*t);
  return result;
}

}  // namespace wit
