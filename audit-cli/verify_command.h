#ifndef WIT_AUDIT_CLI_VERIFY_COMMAND_H_
#define WIT_AUDIT_CLI_VERIFY_COMMAND_H_

#include <string>
#include <vector>

#include "audit-cli/audit_io.h"
#include "audit-cli/audit_source.h"
#include "base/status.h"

namespace wit {

struct VerifyOptions {
  // The checkpoints to check the log against: files holding signed notes, as witd's
  // GET /api/log/checkpoint answers them, or dirs of them (a witness's state dir: its
  // checkpoints/).
  std::vector<std::string> checkpoint_files;
  // The key that signed them (`witd log public-key`), or a file holding it.
  std::string public_key;
  // Where the tree's nodes come from to find the first record that differs from a checkpoint,
  // with inclusion proofs: witd's URL, else a view dir (<data-dir>/view, read offline). Either
  // is checked against the signed root; with neither, or when it does not hold, the verdict
  // says which checkpoints bracket the change.
  std::string server;
  std::string view_dir;
};

// RunVerify recomputes each stream's Merkle tree from every record in the log, as stored, and
// prints one line per stream: its size and root. Each checkpoint given must carry a valid
// signature by the public key, and name a stream of the log; its root must be that of the
// stream's first `size` records, so a record deleted, changed, swapped or added before it, or
// a log cut short of it, is found. Checking several checkpoints of one stream checks that
// each is consistent with the log, and so with the others. Records past a stream's latest
// checkpoint are signed by none, and reported. Prints OK or what disagrees under each stream,
// and the first record where the log departs from a checkpoint (MerkleFirstDifference, with
// proofs from `server` or the view; without them, the checkpoints around it), and
// fails (FailedPrecondition) when anything disagrees.
Status RunVerify(AuditSource& source, const VerifyOptions& options, AuditIo& io);

}  // namespace wit

#endif  // WIT_AUDIT_CLI_VERIFY_COMMAND_H_
