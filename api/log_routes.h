#ifndef WIT_API_LOG_ROUTES_H_
#define WIT_API_LOG_ROUTES_H_

#include <string>
#include <utility>
#include <vector>

#include "api/checkpointer.h"
#include "base/status.h"
#include "projector/token_view.h"

namespace wit {

// LogQuery is a request's query parameters, in order (Poco::URI::QueryParameters).
using LogQuery = std::vector<std::pair<std::string, std::string>>;

// LogRoutes answers the verifiable log's public reads (CONTRACT.md, "Verifiable log"): each
// stream's signed checkpoint, and the RFC 9162 proofs against them, computed from the tree
// nodes the view stores. They hold only hashes and signed notes, so they need no session, as
// Certificate Transparency's do not. Errors are Statuses: InvalidArgument for a query that is
// wrong, NotFound for a stream, event or size the log does not have (yet).
//
// A proof answers as JSON:
//   {"stream":"log","index":5,"size":12,"hashes":["<base64>",...],"checkpoint":"<note>"}
//   {"stream":"log","from":8,"to":12,"hashes":[...],"checkpoint":"<note>"}
// "checkpoint" is the latest signed note, present when the proof's (second) size is its size.
// Thread-safe.
class LogRoutes {
 public:
  // REQUIRES: both outlive the routes. A null `checkpoints` means a server that signs none.
  LogRoutes(const Checkpointer* checkpoints, const TokenView* view)
      : checkpoints_(checkpoints), view_(view) {}

  // Checkpoint is the stream's latest signed note. `stream` may be left out when the log has
  // only one stream.
  StatusOr<std::string> Checkpoint(const LogQuery& query) const;

  // Checkpoints is every stream's latest checkpoint, as JSON.
  std::string Checkpoints() const;

  // InclusionProof answers ?stream=S&index=I&size=N, or ?eventId=E[&size=N] where the size
  // defaults to the latest checkpoint's.
  StatusOr<std::string> InclusionProof(const LogQuery& query) const;

  // ConsistencyProof answers ?stream=S&from=M&to=N.
  StatusOr<std::string> ConsistencyProof(const LogQuery& query) const;

 private:
  // StreamOf is the query's stream, or the only one the server has checkpoints of.
  StatusOr<std::string> StreamOf(const LogQuery& query) const;
  // TreeSize is how many leaves the view's tree of `stream` has.
  StatusOr<uint64_t> TreeSize(const std::string& stream) const;
  // LatestNote is the latest checkpoint's note when its size is `size`, else "".
  std::string LatestNote(const std::string& stream, uint64_t size) const;

  const Checkpointer* checkpoints_;
  const TokenView* view_;
};

}  // namespace wit

#endif  // WIT_API_LOG_ROUTES_H_
