// TokenService's admin use cases (api/token_service.h): tokens across users.
#include <algorithm>

#include "api/token_service.h"
#include "base/random.h"
#include "token/token.h"

namespace wit {

bool TokenQuery::Matches(const TokenState& t, TimeMs now) const {
  if (user_id && t.user_id != *user_id) return false;
  if (status && StatusName(StatusAt(t, now)) != *status) return false;
  if (prefix && t.prefix != *prefix) return false;
  if (created_before && t.created_at >= *created_before) return false;
  if (created_after && t.created_at <= *created_after) return false;
  if (last_used_before && t.last_used_at && *t.last_used_at >= *last_used_before) return false;
  if (never_used && t.last_used_at) return false;
  if (expiring_within_ms) {
    if (StatusAt(t, now) != TokenStatus::kActive || !t.expires_at) return false;
    if (*t.expires_at > now + *expiring_within_ms) return false;
  }
  return true;
}

std::vector<TokenState> TokenService::Query(const TokenQuery& query, const std::string& after,
                                            size_t limit, std::string* next) const {
  std::vector<TokenState> out;
  next->clear();
  TimeMs now = NowMs();
  auto take = [&](const TokenState& t) {
    if (!query.Matches(t, now)) return true;
    if (out.size() == limit) {
      *next = out.back().id;  // one more exists past the page
      return false;
    }
    out.push_back(t);
    return true;
  };
  if (query.user_id) {
    // One user's tokens, from that user's index, in the id order of the scan below.
    std::vector<TokenState> mine = view_->ListByUser(*query.user_id);
    std::sort(mine.begin(), mine.end(),
              [](const TokenState& a, const TokenState& b) { return a.id < b.id; });
    for (const TokenState& t : mine) {
      if (t.id > after && !take(t)) break;
    }
  } else {
    view_->ScanTokens(after, take);
  }
  return out;
}

StatusOr<size_t> TokenService::RevokeMatching(const TokenQuery& query,
                                              const std::optional<std::vector<std::string>>& ids,
                                              const RevokeRequest& how) {
  std::vector<TokenState> chosen;
  TimeMs now = NowMs();
  if (ids) {
    for (const std::string& id : *ids) {
      if (!IsUuid(id)) continue;
      StatusOr<TokenState> t = view_->GetById(id);
      if (t.ok() && !t->revoked_at && query.Matches(*t, now)) chosen.push_back(std::move(*t));
    }
  } else {
    std::string next, after;
    do {
      std::vector<TokenState> page = Query(query, after, 1000, &next);
      for (TokenState& t : page) {
        if (!t.revoked_at) chosen.push_back(std::move(t));
      }
      after = next;
    } while (!next.empty());
  }
  size_t revoked = 0;
  RevokeRequest redacted = how;  // the reason as the events will hold it
  redacted.reason = Redact(how.reason, "reason");
  for (const TokenState& t : chosen) {
    StatusOr<TokenState> r = Revoke(t.user_id, t.id, redacted);
    if (!r.ok()) return r.status();
    // Revoke returns a token revoked meanwhile unchanged; count only this revocation's.
    if (r->revoked_by == redacted.revoked_by && r->revoked_reason == redacted.reason.value_or("")) {
      ++revoked;
    }
  }
  return revoked;
}

StatusOr<TokenState> TokenService::Identify(const std::string& plaintext, const std::string& admin,
                                            const std::optional<std::string>& ip) {
  StatusOr<TokenState> t = FindByPlaintext(plaintext);
  if (!t.ok()) {
    if (t.status().code() == Status::Code::kNotFound) {
      return Status::NotFound("no token of this ledger has that token's hash");
    }
    return t.status();
  }
  Event e;
  e.type = EventType::kUsed;
  e.event_id = NewUuid();
  e.occurred_at = NowMs();
  e.token_id = t->id;
  e.user_id = t->user_id;
  e.outcome = "denied";
  e.reason = "admin_identify";
  e.service = "wit-admin";
  e.action = "admin.identify";
  e.resource = admin;
  e.ip = ip;
  if (Status s = uses_->RecordDurably(e); !s.ok()) return s;
  return t;
}

}  // namespace wit
