#ifndef WIT_BASE_UTF8_H_
#define WIT_BASE_UTF8_H_

#include <cstddef>
#include <string_view>

namespace wit {

// Utf8SequenceLength returns the length (1 to 4) of the valid UTF-8 sequence that starts at
// s[i], or 0 if none does there: a stray continuation byte, a truncated sequence, an overlong
// form, a surrogate or a code point above U+10FFFF. `i` must be below s.size().
//
//   for (size_t i = 0; i < s.size(); i += n) if ((n = Utf8SequenceLength(s, i)) == 0) ...
size_t Utf8SequenceLength(std::string_view s, size_t i);

// IsValidUtf8 says whether all of `s` is valid UTF-8.
bool IsValidUtf8(std::string_view s);

// kMaxIdentityLength bounds a user's or service's name, in characters.
inline constexpr size_t kMaxIdentityLength = 128;

// IsIdentityName says whether `name` may name a user or a service: 1 to kMaxIdentityLength
// characters of valid UTF-8 with no control character (C0, DEL or C1), so that it can stand
// in a response header, a log line or a table cell as it is.
bool IsIdentityName(std::string_view name);

}  // namespace wit

#endif  // WIT_BASE_UTF8_H_
