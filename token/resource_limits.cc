#include "token/resource_limits.h"

#include <algorithm>

#include "base/ip_cidr.h"
#include "base/path_glob.h"

namespace wit {
namespace {

Status CheckCount(const char* field, size_t n) {
  if (n == 0)
    return Status::InvalidArgument(std::string(field) + " must not be empty: omit it for no limit");
  if (n > kMaxLimitEntries) {
    return Status::InvalidArgument(std::string(field) + " holds at most " +
                                   std::to_string(kMaxLimitEntries) + " entries");
  }
  return Status::OK();
}

void AddOnce(std::vector<std::string>* out, std::string entry) {
  if (std::find(out->begin(), out->end(), entry) == out->end()) out->push_back(std::move(entry));
}

}  // namespace

bool IsResourcePattern(std::string_view p) {
  if (p.empty() || p.size() > kMaxResourcePatternLength || p[0] == '/') return false;
  return std::all_of(p.begin(), p.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

StatusOr<std::vector<std::string>> NormalizeAllowedIps(const std::vector<std::string>& blocks) {
  if (Status s = CheckCount("allowedIps", blocks.size()); !s.ok()) return s;
  std::vector<std::string> out;
  for (size_t i = 0; i < blocks.size(); ++i) {
    StatusOr<IpCidr> block = ParseIpCidr(blocks[i]);
    if (!block.ok()) {
      return Status::InvalidArgument("allowedIps[" + std::to_string(i) +
                                     "]: " + block.status().message());
    }
    AddOnce(&out, block->ToString());
  }
  return out;
}

StatusOr<std::vector<std::string>> NormalizeResources(const std::vector<std::string>& patterns) {
  if (Status s = CheckCount("resources", patterns.size()); !s.ok()) return s;
  std::vector<std::string> out;
  for (size_t i = 0; i < patterns.size(); ++i) {
    if (!IsResourcePattern(patterns[i])) {
      return Status::InvalidArgument("resources[" + std::to_string(i) +
                                     "] must be 1 to 200 printable characters without spaces, "
                                     "not starting with '/' (acme/*)");
    }
    AddOnce(&out, patterns[i]);
  }
  return out;
}

std::optional<std::string> LimitDenial(const std::vector<std::string>& allowed_ips,
                                       const std::vector<std::string>& resources,
                                       const std::optional<std::string>& ip,
                                       const std::optional<std::string>& resource) {
  if (!allowed_ips.empty()) {
    std::optional<IpAddress> address = ip ? ParseIpAddress(*ip) : std::nullopt;
    bool inside =
        address && std::any_of(allowed_ips.begin(), allowed_ips.end(), [&](const std::string& b) {
          StatusOr<IpCidr> block = ParseIpCidr(b);
          return block.ok() && block->Contains(*address);
        });
    if (!inside) return "ip_not_allowed";
  }
  if (!resources.empty() && resource) {
    std::string_view r = *resource;
    std::string_view bare = r;
    if (bare.size() > 4 && bare.substr(bare.size() - 4) == ".git") bare.remove_suffix(4);
    bool matched = std::any_of(resources.begin(), resources.end(), [&](const std::string& p) {
      return PathGlobMatch(p, r) || PathGlobMatch(p, bare);
    });
    if (!matched) return "resource_not_allowed";
  }
  return std::nullopt;
}

std::optional<std::string> IpsOutside(const std::vector<std::string>& held,
                                      const std::vector<std::string>& wanted) {
  if (held.empty()) return std::nullopt;
  for (const std::string& w : wanted) {
    StatusOr<IpCidr> inner = ParseIpCidr(w);
    bool inside = inner.ok() && std::any_of(held.begin(), held.end(), [&](const std::string& h) {
                    StatusOr<IpCidr> outer = ParseIpCidr(h);
                    return outer.ok() && outer->Contains(*inner);
                  });
    if (!inside) return w;
  }
  return std::nullopt;
}

std::optional<std::string> ResourcesOutside(const std::vector<std::string>& held,
                                            const std::vector<std::string>& wanted) {
  if (held.empty()) return std::nullopt;
  auto covers = [](std::string_view h, std::string_view w) {
    if (h == w) return true;
    if (w.find('*') == std::string_view::npos) return PathGlobMatch(h, w);
    if (h.size() >= 2 && h.substr(h.size() - 2) == "**") {
      std::string_view prefix = h.substr(0, h.size() - 2);
      return prefix.find('*') == std::string_view::npos && w.substr(0, prefix.size()) == prefix;
    }
    return false;
  };
  for (const std::string& w : wanted) {
    if (std::none_of(held.begin(), held.end(),
                     [&](const std::string& h) { return covers(h, w); })) {
      return w;
    }
  }
  return std::nullopt;
}

}  // namespace wit
