#include "projector/latest_uses.h"

#include <algorithm>

#include "projector/token_state.h"

namespace wit {

void LatestUses::Add(const Event& use, std::string payload) {
  if (use.type != EventType::kUsed || use.outcome != "allowed") return;
  std::string key = use.token_id + '\n' + use.user_id;
  auto it = groups_.find(key);
  if (it == groups_.end()) {
    Group fresh;
    if (auto out = handed_out_.find(key); out != handed_out_.end()) {
      fresh.last_used_at = out->second;
    }
    it = groups_.emplace(std::move(key), std::move(fresh)).first;
  }
  Group& g = it->second;
  if (!UseAdvances(g.last_used_at, use.occurred_at)) return;
  g.token_id = use.token_id;
  g.user_id = use.user_id;
  g.last_used_at = use.occurred_at;
  Kept kept{seq_++, use.ip.value_or(""), use.occurred_at, std::move(payload)};
  if (!kept.ip.empty()) {
    // As the fold's lastUsedIps: this address first, each once, at most kLastUsedIpsKept. An
    // address pushed out can only come back with a later use, which is then kept.
    auto same = std::find_if(g.by_ip.begin(), g.by_ip.end(),
                             [&](const Kept& k) { return k.ip == kept.ip; });
    if (same != g.by_ip.end()) g.by_ip.erase(same);
    g.by_ip.insert(g.by_ip.begin(), kept);
    if (g.by_ip.size() > TokenState::kLastUsedIpsKept) g.by_ip.pop_back();
  }
  g.latest = std::move(kept);
}

std::vector<LatestUses::Use> LatestUses::Take() {
  std::vector<std::pair<uint64_t, Use>> kept;
  if (handed_out_.size() + groups_.size() > kHandedOutKept) handed_out_.clear();
  for (auto& [key, g] : groups_) {
    // A group holds a use unless every use it saw was older than one handed out before.
    if (g.token_id.empty()) continue;
    handed_out_[key] = *g.last_used_at;
    bool latest_has_ip = false;
    for (Kept& k : g.by_ip) {
      latest_has_ip |= k.seq == g.latest.seq;
      kept.emplace_back(k.seq,
                        Use{g.token_id, g.user_id, k.ip, k.occurred_at, std::move(k.payload)});
    }
    if (!latest_has_ip) {
      kept.emplace_back(g.latest.seq, Use{g.token_id, g.user_id, g.latest.ip, g.latest.occurred_at,
                                          std::move(g.latest.payload)});
    }
  }
  groups_.clear();
  std::sort(kept.begin(), kept.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Use> out;
  out.reserve(kept.size());
  for (auto& [seq, use] : kept) out.push_back(std::move(use));
  return out;
}

bool MovesKnownToken(const TokenState& known, const LatestUses::Use& use) {
  return known.user_id == use.user_id && UseAdvances(known.last_used_at, use.occurred_at);
}

UsesToWrite SelectUsesToWrite(
    std::vector<LatestUses::Use> uses,
    const std::function<StatusOr<TokenState>(const std::string& token_id)>& read_token) {
  UsesToWrite out;
  out.write.reserve(uses.size());
  for (size_t i = 0; i < uses.size(); ++i) {
    StatusOr<TokenState> known = read_token(uses[i].token_id);
    if (!known.ok() && known.status().code() == Status::Code::kUnavailable) {
      out.read_error = known.status();
      out.unchecked.assign(std::make_move_iterator(uses.begin() + static_cast<std::ptrdiff_t>(i)),
                           std::make_move_iterator(uses.end()));
      break;
    }
    if (known.ok() && !MovesKnownToken(*known, uses[i])) {
      ++out.superseded;
      continue;
    }
    out.write.push_back(std::move(uses[i]));
  }
  return out;
}

}  // namespace wit
