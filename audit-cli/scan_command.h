#ifndef WIT_AUDIT_CLI_SCAN_COMMAND_H_
#define WIT_AUDIT_CLI_SCAN_COMMAND_H_

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "audit-cli/audit_io.h"
#include "base/status.h"

namespace wit {

// A token found where it should not be: the file and line, and the token named by its prefix
// and hash, never by itself.
struct FoundToken {
  std::string file;   // "-" for stdin
  uint64_t line = 0;  // from 1
  std::string prefix;
  std::string hash;  // tokenHash: what wit-audit replay --token-hash and the API take
};

// FindTokens calls `found` for every token ForEachTokenIn (token/token.h) finds in `text`, with
// its line; `line` is the first line's number.
void FindTokens(std::string_view text, uint64_t line,
                const std::function<void(uint64_t line, std::string_view token)>& found);

struct ScanOptions {
  std::vector<std::string> paths;  // files and directories; empty or "-": stdin
  // --revoke: revoke what is found on `server` with an admin session.
  bool revoke = false;
  std::string server;
  std::string session;
};

struct ScanResult {
  std::vector<FoundToken> found;
  uint64_t files = 0;       // files read
  uint64_t unreadable = 0;  // paths that could not be read (each named on io.err)
  // The tokens found, distinct, only for RevokeFound: never printed, logged or written.
  std::vector<std::string> tokens;
};

// RunScan reads every file under `options.paths` (directories recursively, symbolic links to
// directories not followed, so that a loop cannot hold it) and prints one line per token found:
//   FILE:LINE: wit token prefix PREFIX, tokenHash HASH
// then a summary on io.err. Never prints a token. A file is read in chunks, so a large one costs
// no more memory than a chunk; a token across a chunk's edge is still found.
ScanResult RunScan(const ScanOptions& options, AuditIo& io);

// RevokeFound revokes `tokens` on the server as `session` (an admin's): each is identified
// (POST /api/admin/tokens/identify, which records the lookup), then those the server knows are
// revoked with reason "leaked" in one POST /api/admin/tokens/revoke. It reports on io.err how
// many were revoked and how many the server does not know. Unavailable or PermissionDenied
// when the server cannot be asked or refuses the session.
Status RevokeFound(const std::vector<std::string>& tokens, const std::string& server,
                   const std::string& session, AuditIo& io);

}  // namespace wit

#endif  // WIT_AUDIT_CLI_SCAN_COMMAND_H_
