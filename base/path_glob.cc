#include "base/path_glob.h"

#include <vector>

namespace wit {

bool PathGlobMatch(std::string_view pattern, std::string_view path) {
  // A table over (pattern position, path position), filled from the end: each cell is asked
  // once, so the time is O(|pattern| × |path|) whatever the stars.
  const size_t np = pattern.size(), nt = path.size();
  std::vector<char> next(nt + 1, 0), cur(nt + 1, 0);
  next[nt] = 1;  // the empty pattern matches the empty rest
  for (size_t i = np; i-- > 0;) {
    for (size_t j = nt + 1; j-- > 0;) {
      char p = pattern[i];
      if (p == '*') {
        // A star beside another is half of "**", which crosses segments.
        bool deep = (i + 1 < np && pattern[i + 1] == '*') || (i > 0 && pattern[i - 1] == '*');
        // Skip the star (the row below), or consume one character the star may take.
        bool take = j < nt && (deep || path[j] != '/') && cur[j + 1];
        cur[j] = static_cast<char>(next[j] || take);
      } else {
        cur[j] = static_cast<char>(j < nt && path[j] == p && next[j + 1]);
      }
    }
    next.swap(cur);
  }
  return next[0] != 0;
}

}  // namespace wit
