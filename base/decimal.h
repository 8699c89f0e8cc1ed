#ifndef WIT_BASE_DECIMAL_H_
#define WIT_BASE_DECIMAL_H_

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace wit {

// ParseDecimal reads `text` as an unsigned decimal in its one canonical spelling: digits only,
// no sign, no spaces, no leading zero (but "0"), at most UINT64_MAX. nullopt otherwise, so
// that two spellings of one number never both pass (a checkpoint's size, a query's index).
//
//   ParseDecimal("42") == 42;  ParseDecimal("042") == nullopt;  ParseDecimal("+1") == nullopt
inline std::optional<uint64_t> ParseDecimal(std::string_view text) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      (text.size() > 1 && text[0] == '0')) {
    return std::nullopt;
  }
  return v;
}

}  // namespace wit

#endif  // WIT_BASE_DECIMAL_H_
