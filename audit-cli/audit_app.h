#ifndef WIT_AUDIT_CLI_AUDIT_APP_H_
#define WIT_AUDIT_CLI_AUDIT_APP_H_

#include <atomic>
#include <istream>
#include <ostream>

namespace wit {

// Exit statuses of wit-audit.
enum AuditExit : int {
  kAuditOk = 0,
  kAuditFailure = 1,  // the ledger could not be read
  kAuditFound = 1,    // wit-audit scan: tokens were found
  kAuditUsage = 2,    // bad flags, a bad time, no source: nothing was read
  kAuditAlarm = 3,    // wit-audit witness: the log rewrote, forked or shrank its history
};

// RunAudit runs the wit-audit command line: parses argv, reads the ledger, writes results to
// `out` and at most a progress line and errors to `err` ("wit-audit: <message>"). Plaintext
// tokens are read from `in` only. `err_is_terminal` enables the progress line (--progress
// auto); `stop`, when set (by SIGINT/SIGTERM), ends --follow. Returns the exit status.
//
//   return wit::RunAudit(argc, argv, std::cin, std::cout, std::cerr, isatty(2), &stop);
int RunAudit(int argc, const char* const* argv, std::istream& in, std::ostream& out,
             std::ostream& err, bool err_is_terminal, const std::atomic<bool>* stop);

}  // namespace wit

#endif  // WIT_AUDIT_CLI_AUDIT_APP_H_
