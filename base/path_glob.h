#ifndef WIT_BASE_PATH_GLOB_H_
#define WIT_BASE_PATH_GLOB_H_

#include <string_view>

namespace wit {

// PathGlobMatch reports whether `path` matches `pattern`, where "*" matches any run of
// characters within one segment (no '/') and "**" any run across segments; every other
// character matches itself. Linear in practice: no backtracking explosion.
//
//   PathGlobMatch("/api/**", "/api/v1/repos")      // true
//   PathGlobMatch("/*/info", "/alice/repo/info")   // false: "*" stops at '/'
bool PathGlobMatch(std::string_view pattern, std::string_view path);

}  // namespace wit

#endif  // WIT_BASE_PATH_GLOB_H_
