#ifndef WIT_BASE_LOGGING_H_
#define WIT_BASE_LOGGING_H_

#include <string_view>

namespace wit {

// LogInfo / LogWarn / LogError write one line "<time> <LEVEL> <message>" to stderr in a single
// write, so lines from different threads never interleave. Messages must never hold a token's
// plaintext; control characters in `message` are escaped.
void LogInfo(std::string_view message);
void LogWarn(std::string_view message);
void LogError(std::string_view message);

}  // namespace wit

#endif  // WIT_BASE_LOGGING_H_
