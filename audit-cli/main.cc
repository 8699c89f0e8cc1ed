// wit-audit: replays and queries the wit token ledger's history for security teams; see
// audit-cli/audit_app.h.
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <exception>
#include <iostream>

#include "audit-cli/audit_app.h"

namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop = true; }

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  ::umask(077);  // the log reader's temporary copies hold the audit trail
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  try {
    return wit::RunAudit(argc, argv, std::cin, std::cout, std::cerr, isatty(STDERR_FILENO) == 1,
                         &g_stop);
  } catch (const std::exception& ex) {
    std::cerr << "wit-audit: internal error: " << ex.what() << "\n";
    return wit::kAuditFailure;
  }
}
