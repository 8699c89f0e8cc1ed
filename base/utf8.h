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

}  // namespace wit

#endif  // WIT_BASE_UTF8_H_
