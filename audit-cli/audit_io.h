#ifndef WIT_AUDIT_CLI_AUDIT_IO_H_
#define WIT_AUDIT_CLI_AUDIT_IO_H_

#include <atomic>
#include <istream>
#include <ostream>

#include "base/time_util.h"

namespace wit {

// AuditIo is what a wit-audit command reads and writes besides the ledger.
struct AuditIo {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  bool progress = false;                    // draw a progress line on err
  const std::atomic<bool>* stop = nullptr;  // set by SIGINT/SIGTERM: --follow ends
  TimeMs now = 0;                           // "now" for relative times and stats
};

}  // namespace wit

#endif  // WIT_AUDIT_CLI_AUDIT_IO_H_
