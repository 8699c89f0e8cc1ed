#ifndef WIT_AUDIT_CLI_PROOF_COMMANDS_H_
#define WIT_AUDIT_CLI_PROOF_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "audit-cli/prove_command.h"
#include "audit-cli/verify_command.h"
#include "audit-cli/witness.h"

namespace wit {

// ProofFlags holds the flags of wit-audit's commands about the log's proofs.
struct ProofFlags {
  VerifyOptions verify;
  ProveOptions prove;
  std::string proof_file;  // verify-proof FILE
  std::string public_key;  // verify-proof --public-key
  WitnessOptions witness;
};

// ProofCommands are the subcommands DefineProofCommands adds.
struct ProofCommands {
  CLI::App* verify = nullptr;
  CLI::App* prove = nullptr;
  CLI::App* verify_proof = nullptr;
  CLI::App* witness = nullptr;
};

// SourceFlagsFn adds the flags that name the log to read (--data-dir, --kafka-brokers, ...).
using SourceFlagsFn = std::function<void(CLI::App*)>;

// DefineProofCommands adds verify, prove, verify-proof and witness to `app`, their flags
// parsed into `*f`; verify and prove read the log, with the flags `add_source_flags` adds.
ProofCommands DefineProofCommands(CLI::App& app, ProofFlags* f,
                                  const SourceFlagsFn& add_source_flags);

}  // namespace wit

#endif  // WIT_AUDIT_CLI_PROOF_COMMANDS_H_
