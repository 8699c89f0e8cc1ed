#include "tests/audit_history.h"

#include <algorithm>
#include <map>

#include "base/random.h"
#include "token/scopes.h"
#include "token/token.h"

namespace wit::testing {
namespace {

constexpr TimeMs kDay = 86'400'000;

const std::vector<std::vector<std::string>> kScopeSets = {
    {"repo:read"}, {"repo:read", "repo:write"}, {"repo:admin"},
    {"user:read"}, {"repo:read", "user:read"},  {"repo:read", "repo:write", "user:write"}};
const std::vector<std::string> kServices = {"git", "ci", "registry"};
const std::vector<std::string> kAllScopes = {"repo:read", "repo:write", "repo:admin", "user:read",
                                             "user:write"};

}  // namespace

History History::Generate(uint32_t seed, int users, int token_count, int use_count) {
  std::mt19937_64 rng(seed);  // 64 bits: spans of many days in ms exceed 2^32
  auto pick = [&](auto& v) -> auto& { return v[rng() % v.size()]; };
  auto between = [&](TimeMs lo, TimeMs hi) { return lo + static_cast<TimeMs>(rng() % (hi - lo)); };
  History h;
  std::vector<Event> events;
  for (int i = 0; i < token_count; ++i) {
    HistoryToken t;
    GeneratedToken g = GenerateToken();
    t.plaintext = g.plaintext;
    t.prefix = g.prefix;
    t.hash = g.hash;
    t.id = NewUuid();
    t.user = "user" + std::to_string(i % users);
    t.name = "token-" + std::to_string(i);
    t.scopes = pick(kScopeSets);
    t.created = between(kStart, kEnd - kDay);
    switch (rng() % 4) {
      case 0: break;  // never expires
      case 1: t.expires = t.created + 7 * kDay; break;
      case 2: t.expires = t.created + 30 * kDay; break;
      default: t.expires = t.created + 365 * kDay; break;
    }
    if (i % 50 == 0) {  // expiring within a week of kEnd
      t.created = kEnd - 25 * kDay + i;
      t.expires = t.created + 30 * kDay;
    }
    if (rng() % 5 == 0) {
      t.revoked = between(t.created + 1, kEnd);
      t.revoked_by = rng() % 3 == 0 ? "security-admin" : t.user;
    }
    h.tokens.push_back(std::move(t));
  }
  // Lifecycle events.
  for (const HistoryToken& t : h.tokens) {
    Event c;
    c.type = EventType::kCreated;
    c.event_id = NewUuid();
    c.occurred_at = t.created;
    c.token_id = t.id;
    c.user_id = t.user;
    c.name = t.name;
    c.prefix = t.prefix;
    c.token_hash = t.hash;
    c.scopes = t.scopes;
    c.expires_at = t.expires;
    events.push_back(c);
    if (t.revoked) {
      Event r;
      r.type = EventType::kRevoked;
      r.event_id = NewUuid();
      r.occurred_at = *t.revoked;
      r.token_id = t.id;
      r.user_id = t.user;
      r.revoked_by = t.revoked_by;
      if (rng() % 2) r.reason = "leaked in a CI log";
      events.push_back(r);
    }
  }
  // Uses, only of the tokens that are ever used (about 85%), with the outcome witd would give.
  std::vector<size_t> used_tokens;
  for (size_t i = 0; i < h.tokens.size(); ++i) {
    if (rng() % 100 < 85) used_tokens.push_back(i);
  }
  for (int i = 0; i < use_count; ++i) {
    size_t index = pick(used_tokens);
    const HistoryToken& t = h.tokens[index];
    Event u;
    u.type = EventType::kUsed;
    u.event_id = NewUuid();
    u.occurred_at = between(t.created + 1, kEnd);
    u.token_id = t.id;
    u.user_id = t.user;
    // Some tokens only ever use their first scope (so some hold more than they need); some
    // tokens' uses may name no scope (a verify without one); the rest always name one, half of
    // them one of the token's own scopes.
    if (index % 5 == 1) {
      u.scope = t.scopes.front();
    } else if (index % 4 != 0 || rng() % 3 != 0) {
      u.scope = rng() % 2 ? t.scopes[rng() % t.scopes.size()] : pick(kAllScopes);
    }
    u.service = pick(kServices);
    u.ip = "10.0." + std::to_string(rng() % 4) + "." + std::to_string(rng() % 8);
    if (rng() % 4 == 0) u.user_agent = "git/2.39.2";
    if (rng() % 3 == 0) u.action = "push";
    if (t.revoked && u.occurred_at >= *t.revoked) {
      u.outcome = "denied";
      u.reason = "revoked";
    } else if (t.expires && u.occurred_at >= *t.expires) {
      u.outcome = "denied";
      u.reason = "expired";
    } else if (u.scope && !ScopesGrant(t.scopes, *u.scope)) {
      u.outcome = "denied";
      u.reason = "insufficient_scope";
    } else {
      u.outcome = "allowed";
    }
    events.push_back(u);
  }
  // Log order is time order, and no two events share a millisecond, so every expected order
  // is unambiguous.
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.occurred_at < b.occurred_at; });
  for (size_t i = 1; i < events.size(); ++i) {
    if (events[i].occurred_at <= events[i - 1].occurred_at) {
      events[i].occurred_at = events[i - 1].occurred_at + 1;
    }
  }
  h.events = std::move(events);
  std::map<std::string, HistoryToken*> by_id;
  for (HistoryToken& t : h.tokens) by_id[t.id] = &t;
  for (const Event& e : h.events) {
    HistoryToken* t = by_id[e.token_id];
    if (e.type == EventType::kCreated) t->created = e.occurred_at;
    if (e.type == EventType::kRevoked) t->revoked = e.occurred_at;
    if (e.type == EventType::kUsed) t->uses.push_back(&e);
  }
  return h;
}

std::vector<const Event*> History::Select(const std::function<bool(const Event&)>& keep) const {
  std::vector<const Event*> out;
  for (const Event& e : events) {
    if (keep(e)) out.push_back(&e);
  }
  return out;
}

const HistoryToken& History::Find(const std::string& id) const {
  for (const HistoryToken& t : tokens) {
    if (t.id == id) return t;
  }
  return tokens.front();
}

std::string History::StatusAt(const HistoryToken& t, TimeMs at) {
  if (t.created > at) return "";
  if (t.revoked && *t.revoked <= at) return "revoked";
  if (t.expires && *t.expires <= at) return "expired";
  return "active";
}

std::optional<TimeMs> History::LastUsedAt(const HistoryToken& t, TimeMs at) {
  std::optional<TimeMs> last;
  for (const Event* u : t.uses) {
    if (u->outcome == "allowed" && u->occurred_at <= at) last = u->occurred_at;
  }
  return last;
}

}  // namespace wit::testing
