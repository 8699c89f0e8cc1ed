#ifndef WIT_AUDIT_CLI_PROVE_COMMAND_H_
#define WIT_AUDIT_CLI_PROVE_COMMAND_H_

#include <string>
#include <vector>

#include "audit-cli/audit_io.h"
#include "audit-cli/audit_source.h"
#include "base/status.h"

namespace wit {

struct ProveOptions {
  std::string event_id;
  // Where the signed checkpoint comes from: files holding checkpoint notes (the smallest of
  // the event's stream that holds the event is used), or else witd's URL (its latest).
  std::vector<std::string> checkpoint_files;
  std::string server;
  std::string out_file;  // "" writes the bundle to io.out
};

// RunProve finds the record holding event `event_id` in the log, recomputes its stream's
// tree up to the checkpoint's size, checks that the tree's root is the checkpoint's, and
// writes a proof bundle (audit-cli/proof_bundle.h). NotFound when the log holds no such event,
// FailedPrecondition when no checkpoint covers it or the log does not match the checkpoint.
Status RunProve(AuditSource& source, const ProveOptions& options, AuditIo& io);

// RunVerifyProof checks the bundle in `file` with the log's key `public_key` (or a file holding
// it), and prints the verdict and the record; FailedPrecondition when it does not hold.
Status RunVerifyProof(const std::string& file, const std::string& public_key, AuditIo& io);

}  // namespace wit

#endif  // WIT_AUDIT_CLI_PROVE_COMMAND_H_
