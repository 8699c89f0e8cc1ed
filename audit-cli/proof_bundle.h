#ifndef WIT_AUDIT_CLI_PROOF_BUNDLE_H_
#define WIT_AUDIT_CLI_PROOF_BUNDLE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "ledger/checkpoint.h"
#include "ledger/merkle.h"

namespace wit {

// ProofBundle is one record with the proof of its place in the log: what `wit-audit prove`
// writes and `wit-audit verify-proof` checks with nothing but the log's public key. As JSON:
//
//   {"format":"wit-proof-bundle/v1","stream":"log","index":41,"size":1043,
//    "record":"<the record's payload as stored, standard base64>",
//    "hashes":["<the RFC 9162 inclusion proof, standard base64>",...],
//    "checkpoint":"<the signed checkpoint of `size` records, as GET /api/log/checkpoint>"}
struct ProofBundle {
  std::string stream;
  uint64_t index = 0;
  uint64_t size = 0;
  std::string record;
  std::vector<MerkleHash> hashes;
  std::string checkpoint;
};

std::string EncodeProofBundle(const ProofBundle& bundle);

// ParseProofBundle reads EncodeProofBundle's form. The file comes from anyone: anything else,
// a bundle over 4 MiB or a proof of more than 64 hashes is InvalidArgument.
StatusOr<ProofBundle> ParseProofBundle(std::string_view json);

// CheckProofBundle checks that the bundle's checkpoint is signed by `verifier_key`, is of the
// bundle's stream and size, and that the record is leaf `index` of its tree. Returns the
// checkpoint; InvalidArgument saying what fails.
StatusOr<Checkpoint> CheckProofBundle(const ProofBundle& bundle, std::string_view verifier_key);

}  // namespace wit

#endif  // WIT_AUDIT_CLI_PROOF_BUNDLE_H_
