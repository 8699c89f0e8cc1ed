#include "audit-cli/event_filter.h"

#include <string.h>

#include <algorithm>

namespace wit {
namespace {

// Contains is glibc's memmem: a scan tests every record against each needle, and memmem's
// two-way search beats string_view::find's memchr-then-memcmp on uuids and hashes.
bool Contains(std::string_view haystack, std::string_view needle) {
  return memmem(haystack.data(), haystack.size(), needle.data(), needle.size()) != nullptr;
}

// Literal tells whether `value` appears byte for byte in any JSON encoding of it that uses no
// escapes: true unless it holds a quote, a backslash or a control character.
bool Literal(std::string_view value) {
  return std::none_of(value.begin(), value.end(), [](char c) {
    return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
  });
}

}  // namespace

void EventFilter::Learn(const Event& e) {
  if (e.type != EventType::kCreated) return;
  if (token_hash && e.token_hash == *token_hash) hash_ids_.insert(e.token_id);
  if (prefix && e.prefix == *prefix) prefix_ids_.insert(e.token_id);
}

bool EventFilter::TokenCriteriaHold(const std::string& id) const {
  if (!token_ids.empty() && std::find(token_ids.begin(), token_ids.end(), id) == token_ids.end()) {
    return false;
  }
  if (token_hash && !hash_ids_.count(id)) return false;
  if (prefix && !prefix_ids_.count(id)) return false;
  return true;
}

bool EventFilter::MayMatch(std::string_view payload) const {
  // A record with escapes could spell a value differently; only a decode can tell.
  if (memchr(payload.data(), '\\', payload.size()) != nullptr) return true;
  // A creation naming the --token-hash or --prefix token must reach Learn, whatever else is
  // asked of the events shown.
  auto names = [&](const std::optional<std::string>& v) {
    return v && (!Literal(*v) || Contains(payload, *v));
  };
  if (names(token_hash) || names(prefix)) return true;
  auto lacks = [&](const std::optional<std::string>& v) {
    return v && Literal(*v) && !Contains(payload, *v);
  };
  if (lacks(user) || lacks(service) || lacks(ip) || lacks(outcome)) return false;
  if (!ids_literal_) ids_literal_ = std::all_of(token_ids.begin(), token_ids.end(), Literal);
  if (!token_ids.empty() && *ids_literal_ &&
      std::none_of(token_ids.begin(), token_ids.end(),
                   [&](const std::string& id) { return Contains(payload, id); })) {
    return false;
  }
  auto lacks_token = [&](const std::optional<std::string>& v, const std::set<std::string>& ids) {
    if (!v) return false;
    return std::none_of(ids.begin(), ids.end(),
                        [&](const auto& id) { return !Literal(id) || Contains(payload, id); });
  };
  if (lacks_token(token_hash, hash_ids_) || lacks_token(prefix, prefix_ids_)) return false;
  if (types.size() == 1 && !Contains(payload, EventTypeName(*types.begin()))) return false;
  return true;
}

bool EventFilter::Matches(const Event& e) {
  Learn(e);
  if (!TokenCriteriaHold(e.token_id)) return false;
  if (user && e.user_id != *user) return false;
  if (!types.empty() && !types.count(e.type)) return false;
  if (since && e.occurred_at < *since) return false;
  if (until && e.occurred_at > *until) return false;
  if (outcome && (e.type != EventType::kUsed || e.outcome != *outcome)) return false;
  if (service && e.service.value_or("") != *service) return false;
  if (ip && e.ip.value_or("") != *ip) return false;
  return true;
}

bool EventFilter::MatchesToken(const std::string& id, const std::string& user_id,
                               const std::string& token_prefix, const std::string& hash) const {
  if (!token_ids.empty() && std::find(token_ids.begin(), token_ids.end(), id) == token_ids.end()) {
    return false;
  }
  if (token_hash && hash != *token_hash) return false;
  if (prefix && token_prefix != *prefix) return false;
  return !user || user_id == *user;
}

StatusOr<std::set<EventType>> ParseEventTypes(std::string_view list) {
  std::set<EventType> types;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = std::min(list.find(',', start), list.size());
    std::string_view name = list.substr(start, comma - start);
    if (name.substr(0, 6) == "token.") name.remove_prefix(6);
    if (name == "created") {
      types.insert(EventType::kCreated);
    } else if (name == "revoked") {
      types.insert(EventType::kRevoked);
    } else if (name == "used") {
      types.insert(EventType::kUsed);
    } else {
      return Status::InvalidArgument("unknown event type \"" + std::string(name) +
                                     "\"; use created, revoked or used (comma-separated)");
    }
    start = comma + 1;
  }
  return types;
}

}  // namespace wit
