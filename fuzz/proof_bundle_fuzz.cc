// What wit-audit reads from others about proofs: a proof bundle file (verify-proof), and the
// answers of a server it does not trust (witness, verify --server, prove --server). Each parser
// answers a value or InvalidArgument and never crashes; a bundle it reads encodes back to one
// that reads the same, and checking it never crashes whatever it holds.
#include <cstdint>
#include <memory>
#include <string>

#include "audit-cli/log_client.h"
#include "audit-cli/proof_bundle.h"
#include "ledger/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::unique_ptr<wit::NoteSigner> signer =
      std::move(*wit::NoteSigner::Make("wit-ledger", std::string(32, 'f')));
  static const std::string key = signer->VerifierKey();
  std::string input(reinterpret_cast<const char*>(data), size);

  wit::StatusOr<wit::ProofBundle> bundle = wit::ParseProofBundle(input);
  if (bundle.ok()) {
    wit::StatusOr<wit::ProofBundle> again = wit::ParseProofBundle(wit::EncodeProofBundle(*bundle));
    if (!again.ok() || again->record != bundle->record || again->hashes != bundle->hashes ||
        again->checkpoint != bundle->checkpoint || again->index != bundle->index) {
      __builtin_trap();
    }
    (void)wit::CheckProofBundle(*bundle, key);
  }
  (void)wit::ParseProofAnswer(input);
  (void)wit::ParseCheckpointsAnswer(input);
  return 0;
}
