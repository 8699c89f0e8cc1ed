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

// Generator draws a history's parts from one random sequence, in a fixed order, so that one
// seed gives one shape.
class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  // Token draws the i-th token (of `users` users): scopes, expiry, and whether it is revoked.
  HistoryToken Token(int i, int users) {
    HistoryToken t;
    GeneratedToken g = GenerateToken();
    t.plaintext = g.plaintext;
    t.prefix = g.prefix;
    t.hash = g.hash;
    t.id = NewUuid();
    t.user = "user" + std::to_string(i % users);
    t.name = "token-" + std::to_string(i);
    t.scopes = Pick(kScopeSets);
    t.created = Between(History::kStart, History::kEnd - kDay);
    switch (rng_() % 4) {
      case 0: break;  // never expires
      case 1: t.expires = t.created + 7 * kDay; break;
      case 2: t.expires = t.created + 30 * kDay; break;
      default: t.expires = t.created + 365 * kDay; break;
    }
    if (i % 50 == 0) {  // expiring within a week of kEnd
      t.created = History::kEnd - 25 * kDay + i;
      t.expires = t.created + 30 * kDay;
    }
    if (rng_() % 5 == 0) {
      t.revoked = Between(t.created + 1, History::kEnd);
      t.revoked_by = rng_() % 3 == 0 ? "security-admin" : t.user;
    }
    return t;
  }

  // Lifecycle appends `t`'s token.created, and its token.revoked if it is revoked.
  void Lifecycle(const HistoryToken& t, std::vector<Event>* events) {
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
    events->push_back(c);
    if (!t.revoked) return;
    Event r;
    r.type = EventType::kRevoked;
    r.event_id = NewUuid();
    r.occurred_at = *t.revoked;
    r.token_id = t.id;
    r.user_id = t.user;
    r.revoked_by = t.revoked_by;
    if (rng_() % 2) r.reason = "leaked in a CI log";
    events->push_back(r);
  }

  // UsedTokens picks the tokens that are ever used: about 85%.
  std::vector<size_t> UsedTokens(size_t count) {
    std::vector<size_t> used;
    for (size_t i = 0; i < count; ++i) {
      if (rng_() % 100 < 85) used.push_back(i);
    }
    return used;
  }

  // Use draws one use of `t` (the index-th token), with the outcome witd would give it.
  Event Use(size_t index, const HistoryToken& t) {
    Event u;
    u.type = EventType::kUsed;
    u.event_id = NewUuid();
    u.occurred_at = Between(t.created + 1, History::kEnd);
    u.token_id = t.id;
    u.user_id = t.user;
    // Some tokens only ever use their first scope (so some hold more than they need); some
    // tokens' uses may name no scope (a verify without one); the rest always name one, half of
    // them one of the token's own scopes.
    if (index % 5 == 1) {
      u.scope = t.scopes.front();
    } else if (index % 4 != 0 || rng_() % 3 != 0) {
      u.scope = rng_() % 2 ? t.scopes[rng_() % t.scopes.size()] : Pick(kAllScopes);
    }
    u.service = Pick(kServices);
    u.ip = "10.0." + std::to_string(rng_() % 4) + "." + std::to_string(rng_() % 8);
    if (rng_() % 4 == 0) u.user_agent = "git/2.39.2";
    if (rng_() % 3 == 0) u.action = "push";
    u.outcome = "denied";
    if (t.revoked && u.occurred_at >= *t.revoked) {
      u.reason = "revoked";
    } else if (t.expires && u.occurred_at >= *t.expires) {
      u.reason = "expired";
    } else if (u.scope && !ScopesGrant(t.scopes, *u.scope)) {
      u.reason = "insufficient_scope";
    } else {
      u.outcome = "allowed";
    }
    return u;
  }

  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[rng_() % v.size()];
  }

 private:
  TimeMs Between(TimeMs lo, TimeMs hi) { return lo + static_cast<TimeMs>(rng_() % (hi - lo)); }

  std::mt19937_64 rng_;  // 64 bits: spans of many days in ms exceed 2^32
};

// InTimeOrder sorts `events` by time and moves events that share a millisecond apart, so that
// every expected order is unambiguous: log order is time order.
void InTimeOrder(std::vector<Event>* events) {
  std::stable_sort(events->begin(), events->end(),
                   [](const Event& a, const Event& b) { return a.occurred_at < b.occurred_at; });
  for (size_t i = 1; i < events->size(); ++i) {
    Event& e = (*events)[i];
    e.occurred_at = std::max(e.occurred_at, (*events)[i - 1].occurred_at + 1);
  }
}

}  // namespace

History History::Generate(uint32_t seed, int users, int token_count, int use_count) {
  Generator g(seed);
  History h;
  for (int i = 0; i < token_count; ++i) h.tokens.push_back(g.Token(i, users));
  std::vector<Event> events;
  for (const HistoryToken& t : h.tokens) g.Lifecycle(t, &events);
  std::vector<size_t> used = g.UsedTokens(h.tokens.size());
  for (int i = 0; i < use_count; ++i) {
    size_t index = g.Pick(used);
    events.push_back(g.Use(index, h.tokens[index]));
  }
  InTimeOrder(&events);
  h.events = std::move(events);
  // The tokens' times and uses as the ordered events have them.
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
