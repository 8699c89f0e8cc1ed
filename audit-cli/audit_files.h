#ifndef WIT_AUDIT_CLI_AUDIT_FILES_H_
#define WIT_AUDIT_CLI_AUDIT_FILES_H_

#include <optional>
#include <string>

namespace wit {

// ReadWholeFile returns the bytes of the file at `path`, nullopt when it cannot be read.
std::optional<std::string> ReadWholeFile(const std::string& path);

// KeyOrKeyFile is `text` itself (a verifier key, as `witd log public-key` prints it), or the
// first line of the file it names, trailing spaces and a CR dropped.
std::string KeyOrKeyFile(const std::string& text);

}  // namespace wit

#endif  // WIT_AUDIT_CLI_AUDIT_FILES_H_
