#ifndef WIT_PROJECTOR_VIEW_TREES_H_
#define WIT_PROJECTOR_VIEW_TREES_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "ledger/event_log.h"
#include "ledger/merkle.h"

namespace rocksdb {
class DB;
class WriteBatch;
}  // namespace rocksdb

namespace wit {

// The view's keys for the streams' Merkle trees (ledger/merkle.h), kept so that witd answers
// proofs with point reads:
//   "m/<stream>"                          → the stream's frontier (MerkleFrontier::Encode)
//   "n/<stream>\0" level(1) index(8 BE)   → the 32-byte hash of a completed node
//   "e/<event id>\0<stream>\0" offset(8 BE) → "": where an admitted event's record lies
//   "~tree-nodes"                         → "1" once the nodes are kept from leaf 0
// About two nodes a record (each of 32 bytes), written in the batch that applies it.

// Trees maps a stream to its Merkle frontier: the tree of its records from offset 0.
using StreamTrees = std::map<std::string, MerkleFrontier>;

// TreeGrowth is what one batch adds: the frontiers of the streams it grew, the nodes their new
// records completed, and where each admitted event's record lies.
struct TreeGrowth {
  StreamTrees frontiers;
  std::map<std::string, std::vector<MerkleNode>> nodes;     // stream → completed nodes
  std::vector<std::pair<std::string, LogPosition>> events;  // event id → its record
};

// PutTreeGrowth adds `growth` to `batch`.
void PutTreeGrowth(const TreeGrowth& growth, rocksdb::WriteBatch* batch);

// ReadStreamTrees reads every stream's frontier. A view written before the nodes were kept
// ("~tree-nodes" absent) yields none, so the projector computes them again from offset 0. A
// frontier that does not decode is FailedPrecondition (a damaged view).
StatusOr<StreamTrees> ReadStreamTrees(rocksdb::DB* db);

// kUpperLevel is the lowest level of the nodes a view also keeps in memory: one in 256 of the
// leaves' count (about 8 KiB a million records), which every proof reads most of.
inline constexpr int kUpperLevel = 8;

// UpperNodes are a stream's nodes from kUpperLevel up: levels[l - kUpperLevel][index].
struct UpperNodes {
  std::vector<std::vector<MerkleHash>> levels;
  // Add keeps `node` if it is one of them and the next of its level.
  void Add(const MerkleNode& node);
  // Find returns the node, or nullptr when it is not kept.
  const MerkleHash* Find(int level, uint64_t index) const;
};

// ReadUpperNodes reads every stream's nodes from kUpperLevel up (for `streams`).
StatusOr<std::map<std::string, UpperNodes>> ReadUpperNodes(rocksdb::DB* db,
                                                           const StreamTrees& streams);

// ReadTreeNode returns the hash of node (level, index) of `stream`; NotFound when the view
// holds no such node (the tree is smaller).
StatusOr<MerkleHash> ReadTreeNode(rocksdb::DB* db, const std::string& stream, int level,
                                  uint64_t index);

// ReadEventRecords returns the records that hold an admitted event with id `event_id`, in key
// order (usually one; a stream that others may write can repeat an id).
StatusOr<std::vector<LogPosition>> ReadEventRecords(rocksdb::DB* db, const std::string& event_id);

}  // namespace wit

#endif  // WIT_PROJECTOR_VIEW_TREES_H_
