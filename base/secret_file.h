#ifndef WIT_BASE_SECRET_FILE_H_
#define WIT_BASE_SECRET_FILE_H_

#include <string>

#include "base/status.h"

namespace wit {

// LoadOrCreateSecret returns the bytes of the secret at `path`: the session secret, the event
// key. An absent file is created with 32 bytes from the CSPRNG and mode 0600 (its directory
// must exist), atomically, so a second node or command never reads it half-written; an
// existing file's bytes are the key as they are, and one shorter than 32 bytes is
// FailedPrecondition. `what` names the secret in messages ("session secret").
StatusOr<std::string> LoadOrCreateSecret(const std::string& path, const std::string& what);

// ReadSecret returns the bytes of an existing secret file, for a reader that must never create
// one (wit-audit): NotFound when it is absent, FailedPrecondition when unreadable or short.
StatusOr<std::string> ReadSecret(const std::string& path, const std::string& what);

// CreatePrivateDir makes `dir` (and its parents) if absent, the last one with mode 0700: a data
// dir holds keys and the audit trail (user ids, client addresses). An existing dir is left as
// it is; `*readable_by_others` says whether its group or others may read or enter it, for the
// caller to warn. Programs that write into it set umask 077 first, so its files are 0600.
Status CreatePrivateDir(const std::string& dir, bool* readable_by_others);

}  // namespace wit

#endif  // WIT_BASE_SECRET_FILE_H_
