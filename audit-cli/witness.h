#ifndef WIT_AUDIT_CLI_WITNESS_H_
#define WIT_AUDIT_CLI_WITNESS_H_

#include <atomic>
#include <memory>
#include <string>

#include "audit-cli/audit_io.h"
#include "audit-cli/log_client.h"
#include "base/status.h"
#include "ledger/checkpoint.h"

namespace wit {

struct WitnessOptions {
  std::string server;      // witd's URL
  std::string state_dir;   // what the witness keeps (see Witness)
  std::string public_key;  // the log's verifier key, or a file holding it: needed on the first
                           // run, kept in the state dir; later runs check it is the same
  std::string name = "wit-audit-witness";  // the witness's key name in its cosignatures
  int interval_seconds = 0;                // 0: check once; else check every so often
};

// Witness keeps, for each stream of a witd's log, the latest checkpoint it has seen proven
// consistent with every earlier one, and cosigns it (C2SP tlog-cosignature). Each check
// fetches every stream's checkpoint, verifies the log's signature, and asks for a consistency
// proof from the size it holds. It alarms, and keeps the evidence, when a checkpoint:
//  - is smaller than the one held (the tree shrank);
//  - has the held size and another root (a fork);
//  - is larger but no valid consistency proof ties it to the held one (history rewritten).
// The first checkpoint of a stream is trusted as it comes (trust on first use).
//
// State dir layout:
//   log.pub                 the log's verifier key
//   witness.key             the witness's Ed25519 seed (mode 0600), created on first use
//   witness.pub             its cosigner verifier key (type 0x04), for whoever checks it
//   checkpoints/<stream>    the held checkpoint: the log's note with the witness's
//                           cosignature appended ("/" in a stream's name is written "%2F")
//   evidence/<time>-<stream>/{held,offered,proof}  what an alarm was raised on
// Not thread-safe.
class Witness {
 public:
  // Open reads or creates the state dir. InvalidArgument for a missing or different log key.
  static StatusOr<std::unique_ptr<Witness>> Open(const WitnessOptions& options);

  // CheckOnce checks every stream once and says what it did on io.out, one line a stream.
  // FailedPrecondition when it alarmed (each alarm also on io.err, with the evidence's dir);
  // Unavailable when the server could not be read.
  Status CheckOnce(AuditIo& io);

  const std::string& verifier_key() const { return witness_key_; }

 private:
  // Verdict is what Check found for one stream.
  struct Verdict {
    std::string alarm;         // why the offered checkpoint is refused; "" when it is not
    std::string line;          // what was done, when it is not
    std::string text;          // the offered note's text, to hold (empty: hold nothing new)
    std::string proof;         // the consistency proof's hashes, one a line, for the evidence
    bool unreachable = false;  // the proof could not be fetched: checked again next time
  };

  Witness(WitnessOptions options, ServerAddress server, std::string log_key,
          std::unique_ptr<NoteSigner> signer);
  Verdict Check(const StreamNote& offered);
  // ProveConsistency asks for the proof that `offered` extends `held`, and checks it.
  void ProveConsistency(const std::string& stream, const Checkpoint& held,
                        const Checkpoint& offered, Verdict* v);
  // Hold keeps `note` as the stream's checkpoint, with the witness's cosignature of `text`.
  Status Hold(const std::string& stream, const std::string& note, const std::string& text);
  std::string KeepEvidence(const StreamNote& offered, const std::string& proof);

  WitnessOptions options_;
  std::string log_key_;
  std::unique_ptr<NoteSigner> signer_;
  std::string witness_key_;
  LogClient client_;
};

// RunWitness opens the witness and checks once, or every interval until `io.stop` is set. It
// stops at the first alarm (FailedPrecondition); a server that cannot be read ends a single
// check with Unavailable, and is tried again at the next interval by a loop.
Status RunWitness(const WitnessOptions& options, AuditIo& io);

}  // namespace wit

#endif  // WIT_AUDIT_CLI_WITNESS_H_
