#include "projector/token_state.h"

#include <algorithm>
#include <cstring>

#include "base/coding.h"

namespace wit {
namespace {

void PutU32(std::string* out, uint32_t v) { PutFixed32(out, v); }
void PutI64(std::string* out, int64_t v) { PutFixed64(out, static_cast<uint64_t>(v)); }
void PutString(std::string* out, const std::string& s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out->append(s);
}
void PutStrings(std::string* out, const std::vector<std::string>& v) {
  PutU32(out, static_cast<uint32_t>(v.size()));
  for (const auto& s : v) PutString(out, s);
}
void PutOptTime(std::string* out, const std::optional<TimeMs>& t) {
  out->push_back(t ? 1 : 0);
  PutI64(out, t.value_or(0));
}

// Reader walks an encoded state; any read past the end marks it bad. Its integers are
// big-endian (base/coding.h), or in host order for a legacy record (version 2, before 2026-12).
class Reader {
 public:
  Reader(std::string_view s, bool legacy_host_order) : s_(s), legacy_(legacy_host_order) {}
  uint32_t U32() {
    uint32_t v = 0;
    if (!Take(4)) return v;
    if (legacy_) {
      std::memcpy(&v, s_.data() + pos_ - 4, 4);
      return v;
    }
    return DecodeFixed32(s_.substr(pos_ - 4));
  }
  int64_t I64() {
    int64_t v = 0;
    if (!Take(8)) return v;
    if (legacy_) {
      std::memcpy(&v, s_.data() + pos_ - 8, 8);
      return v;
    }
    return static_cast<int64_t>(DecodeFixed64(s_.substr(pos_ - 8)));
  }
  std::string String() {
    uint32_t n = U32();
    if (!Take(n)) return {};
    return std::string(s_.substr(pos_ - n, n));
  }
  // Strings reads a list of at most `max` strings; more marks the record bad.
  std::vector<std::string> Strings(uint32_t max) {
    uint32_t n = U32();
    std::vector<std::string> v;
    if (n > max) ok_ = false;
    for (uint32_t i = 0; i < n && ok_; ++i) v.push_back(String());
    return v;
  }
  std::optional<TimeMs> OptTime() {
    if (!Take(1)) return std::nullopt;
    bool present = s_[pos_ - 1] != 0;
    int64_t v = I64();
    return present ? std::optional<TimeMs>(v) : std::nullopt;
  }
  bool ok() const { return ok_ && pos_ == s_.size(); }

 private:
  bool Take(size_t n) {
    if (!ok_ || s_.size() - pos_ < n) {
      ok_ = false;
      return false;
    }
    pos_ += n;
    return true;
  }
  std::string_view s_;
  bool legacy_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// Version 4: version 3 and the rotation, limit and revocation-reason fields. Version 3
// (big-endian integers) and version 2 (host order) are still read: views written before
// 2026-12 hold them until each record is next rewritten.
constexpr char kStateVersion = 4;
constexpr char kBeforeLimitsVersion = 3;
constexpr char kLegacyHostOrderVersion = 2;
constexpr uint32_t kMaxListEntries = 64;

// TouchIp puts `ip` first in a token's last-used addresses.
void TouchIp(std::vector<std::string>* ips, const std::string& ip) {
  auto it = std::find(ips->begin(), ips->end(), ip);
  if (it != ips->end()) ips->erase(it);
  ips->insert(ips->begin(), ip);
  if (ips->size() > TokenState::kLastUsedIpsKept) ips->resize(TokenState::kLastUsedIpsKept);
}

// RecordUse folds an allowed use into lastUsedAt and lastUsedIps.
void RecordUse(TokenState* t, const Event& e) {
  if (!UseAdvances(t->last_used_at, e.occurred_at)) return;
  t->last_used_at = e.occurred_at;
  if (e.ip && !e.ip->empty()) TouchIp(&t->last_used_ips, *e.ip);
}

}  // namespace

bool TokenState::operator==(const TokenState& o) const {
  return created == o.created && id == o.id && user_id == o.user_id && name == o.name &&
         prefix == o.prefix && token_hash == o.token_hash && scopes == o.scopes &&
         created_at == o.created_at && expires_at == o.expires_at &&
         last_used_at == o.last_used_at && revoked_at == o.revoked_at &&
         revoked_by == o.revoked_by && revoked_reason == o.revoked_reason &&
         rotated_from == o.rotated_from && family_id == o.family_id &&
         allowed_ips == o.allowed_ips && resources == o.resources &&
         last_used_ips == o.last_used_ips;
}

const char* StatusName(TokenStatus status) {
  switch (status) {
    case TokenStatus::kActive: return "active";
    case TokenStatus::kRevoked: return "revoked";
    case TokenStatus::kExpired: return "expired";
  }
  return "active";
}

TokenStatus StatusAt(const TokenState& token, TimeMs now) {
  if (token.revoked_at) return TokenStatus::kRevoked;
  if (token.expires_at && *token.expires_at <= now) return TokenStatus::kExpired;
  return TokenStatus::kActive;
}

std::optional<TokenState> ApplyEvent(std::optional<TokenState> state, const Event& e) {
  bool allowed_use = e.type == EventType::kUsed && e.outcome == "allowed";
  if (!state && allowed_use) {
    TokenState placeholder;
    placeholder.created = false;
    placeholder.id = e.token_id;
    placeholder.user_id = e.user_id;
    RecordUse(&placeholder, e);
    return placeholder;
  }
  if (e.type == EventType::kCreated) {
    if (state && state->created) return state;
    TokenState t;
    t.id = e.token_id;
    t.user_id = e.user_id;
    t.name = e.name;
    t.prefix = e.prefix;
    t.token_hash = e.token_hash;
    t.scopes = e.scopes;
    t.created_at = e.occurred_at;
    t.expires_at = e.expires_at;
    t.rotated_from = e.rotated_from.value_or("");
    t.family_id = e.family_id.value_or("");
    t.allowed_ips = e.allowed_ips.value_or(std::vector<std::string>{});
    t.resources = e.resources.value_or(std::vector<std::string>{});
    if (state && state->user_id == e.user_id) {
      t.last_used_at = state->last_used_at;
      t.last_used_ips = state->last_used_ips;
    }
    return t;
  }
  if (!state || state->user_id != e.user_id) return state;
  if (!state->created) {
    // A placeholder only collects uses until its creation arrives.
    if (allowed_use) RecordUse(&*state, e);
    return state;
  }
  if (e.type == EventType::kRevoked) {
    if (!state->revoked_at) {
      state->revoked_at = e.occurred_at;
      state->revoked_by = e.revoked_by;
      state->revoked_reason = e.reason.value_or("");
    }
  } else if (allowed_use) {
    RecordUse(&*state, e);
  }
  return state;
}

TokenObject ToTokenObject(const TokenState& t, TimeMs now) {
  TokenObject out;
  out.id = t.id;
  out.name = t.name;
  out.prefix = t.prefix;
  out.scopes = t.scopes;
  out.created_at = t.created_at;
  out.expires_at = t.expires_at;
  out.last_used_at = t.last_used_at;
  out.revoked_at = t.revoked_at;
  out.status = StatusName(StatusAt(t, now));
  out.user_id = t.user_id;
  out.token_hash = t.token_hash;
  if (t.revoked_at) out.revoked_by = t.revoked_by;
  if (t.revoked_at && !t.revoked_reason.empty()) out.revoked_reason = t.revoked_reason;
  if (!t.rotated_from.empty()) out.rotated_from = t.rotated_from;
  if (!t.allowed_ips.empty()) out.allowed_ips = t.allowed_ips;
  if (!t.resources.empty()) out.resources = t.resources;
  out.last_used_ips = t.last_used_ips;
  return out;
}

bool NamesAnotherUser(const std::optional<TokenState>& state, const Event& e) {
  return state && e.type != EventType::kCreated && state->user_id != e.user_id;
}

std::string EncodeTokenState(const TokenState& t) {
  std::string out;
  out.reserve(256);
  out.push_back(kStateVersion);
  out.push_back(t.created ? 1 : 0);
  PutString(&out, t.id);
  PutString(&out, t.user_id);
  PutString(&out, t.name);
  PutString(&out, t.prefix);
  PutString(&out, t.token_hash);
  PutU32(&out, static_cast<uint32_t>(t.scopes.size()));
  for (const auto& s : t.scopes) PutString(&out, s);
  PutI64(&out, t.created_at);
  PutOptTime(&out, t.expires_at);
  PutOptTime(&out, t.last_used_at);
  PutOptTime(&out, t.revoked_at);
  PutString(&out, t.revoked_by);
  PutString(&out, t.revoked_reason);
  PutString(&out, t.rotated_from);
  PutString(&out, t.family_id);
  PutStrings(&out, t.allowed_ips);
  PutStrings(&out, t.resources);
  PutStrings(&out, t.last_used_ips);
  return out;
}

StatusOr<TokenState> DecodeTokenState(std::string_view bytes) {
  if (bytes.empty() || (bytes[0] != kStateVersion && bytes[0] != kBeforeLimitsVersion &&
                        bytes[0] != kLegacyHostOrderVersion)) {
    return Status::Internal("view record has an unknown version");
  }
  if (bytes.size() < 2) return Status::Internal("view record is damaged");
  std::string_view rest = bytes.substr(2);
  Reader r(rest, bytes[0] == kLegacyHostOrderVersion);
  TokenState t;
  t.created = bytes[1] != 0;
  t.id = r.String();
  t.user_id = r.String();
  t.name = r.String();
  t.prefix = r.String();
  t.token_hash = r.String();
  uint32_t n = r.U32();
  for (uint32_t i = 0; i < n && i < 16; ++i) t.scopes.push_back(r.String());
  t.created_at = r.I64();
  t.expires_at = r.OptTime();
  t.last_used_at = r.OptTime();
  t.revoked_at = r.OptTime();
  t.revoked_by = r.String();
  if (bytes[0] == kStateVersion) {
    t.revoked_reason = r.String();
    t.rotated_from = r.String();
    t.family_id = r.String();
    t.allowed_ips = r.Strings(kMaxListEntries);
    t.resources = r.Strings(kMaxListEntries);
    t.last_used_ips = r.Strings(kMaxListEntries);
  }
  if (!r.ok() || n > 16) return Status::Internal("view record is damaged");
  return t;
}

}  // namespace wit
