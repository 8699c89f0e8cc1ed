#ifndef WIT_BASE_HEX_H_
#define WIT_BASE_HEX_H_

#include <optional>
#include <string>
#include <string_view>

namespace wit {

// HexEncode spells `bytes` as lowercase hex digits, two per byte.
std::string HexEncode(std::string_view bytes);

// HexDecode is HexEncode's inverse. Only lowercase is accepted, so every value has one
// spelling; an odd length or another character gives nullopt.
std::optional<std::string> HexDecode(std::string_view hex);

// IsLowerHex reports whether `s` is exactly `length` lowercase hex digits.
bool IsLowerHex(std::string_view s, size_t length);

// IsSha256Hex reports whether `s` is a SHA-256 digest as HexEncode spells it (64 digits): the
// form of token hashes in events, the view and wit-audit's --token-hash.
inline bool IsSha256Hex(std::string_view s) { return IsLowerHex(s, 64); }

}  // namespace wit

#endif  // WIT_BASE_HEX_H_
