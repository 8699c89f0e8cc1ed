#include "base/utf8.h"

#include <cstdint>

namespace wit {

size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n;
  uint32_t cp;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0, n = 0; i < s.size(); i += n) {
    if ((n = Utf8SequenceLength(s, i)) == 0) return false;
  }
  return true;
}

bool IsIdentityName(std::string_view name) {
  size_t chars = 0;
  for (size_t i = 0, n = 0; i < name.size(); i += n, ++chars) {
    if ((n = Utf8SequenceLength(name, i)) == 0) return false;
    auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7f) return false;
    // C1 controls, U+0080 to U+009F: 0xC2 0x80 to 0xC2 0x9F.
    if (c == 0xC2 && static_cast<unsigned char>(name[i + 1]) < 0xA0) return false;
  }
  return chars >= 1 && chars <= kMaxIdentityLength;
}

}  // namespace wit
