#ifndef WIT_AUDIT_CLI_LOG_CLIENT_H_
#define WIT_AUDIT_CLI_LOG_CLIENT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "ledger/merkle.h"
#include "net/server_address.h"

namespace wit {

// StreamNote is one stream's latest signed checkpoint, as GET /api/log/checkpoints lists it.
struct StreamNote {
  std::string stream;
  std::string note;
};

// ParseCheckpointsAnswer reads GET /api/log/checkpoints' answer. It comes from the network:
// InvalidArgument for anything but {"checkpoints":[{"stream":S,"note":N,...},...]}. The notes
// are not checked here.
StatusOr<std::vector<StreamNote>> ParseCheckpointsAnswer(std::string_view json);

// ParseProofAnswer reads the hashes of a proof answer (api/log_routes.h): {"hashes":[base64 of
// 32 bytes, ...], ...}; at most 64 of them (a tree of 2^64 leaves needs no more). Anything
// else is InvalidArgument. The proof is not checked here.
StatusOr<std::vector<MerkleHash>> ParseProofAnswer(std::string_view json);

// LogClient reads a witd's verifiable log (CONTRACT.md, "Verifiable log") over HTTP(S). What
// it returns came from the network: callers check notes and proofs before they trust them.
class LogClient {
 public:
  explicit LogClient(ServerAddress server) : server_(std::move(server)) {}

  StatusOr<std::vector<StreamNote>> Checkpoints();
  StatusOr<std::string> Checkpoint(const std::string& stream);
  StatusOr<std::vector<MerkleHash>> InclusionProof(const std::string& stream, uint64_t index,
                                                   uint64_t size);
  StatusOr<std::vector<MerkleHash>> ConsistencyProof(const std::string& stream, uint64_t from,
                                                     uint64_t to);

 private:
  // Get is the body of a 2xx answer to GET `path`; else NotFound, InvalidArgument (4xx) or
  // Unavailable (5xx, or no answer), with the server's error message.
  StatusOr<std::string> Get(const std::string& path);

  ServerAddress server_;
};

}  // namespace wit

#endif  // WIT_AUDIT_CLI_LOG_CLIENT_H_
