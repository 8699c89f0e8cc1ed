#ifndef WIT_PROJECTOR_VIEW_TREES_H_
#define WIT_PROJECTOR_VIEW_TREES_H_

#include <array>
#include <map>
#include <string>
#include <string_view>
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
// proofs with a few point reads:
//   "m/<stream>"                          → the stream's frontier (MerkleFrontier::Encode)
//   "b/<stream>\0" tile index(8 BE)       → a bottom tile (BottomTile::Encode): levels 0 to 7
//                                           of 256 consecutive leaves, in one value
//   "n/<stream>\0" level(1) index(8 BE)   → the 32-byte hash of a completed node of level 8 up
//   "e/<event id>\0<stream>\0" offset(8 BE) → "": where an admitted event's record lies
//   "~tree-nodes"                         → "2" once they are kept from leaf 0 in this layout
// Written in the batch that applies the records: about one key a record (the event's), one
// tile per 256 records (and the open one again per batch), one node per 128.

// Trees maps a stream to its Merkle frontier: the tree of its records from offset 0.
using StreamTrees = std::map<std::string, MerkleFrontier>;

// kUpperLevel is the lowest level of the nodes kept one a key (and in memory too): one in 256
// of the leaves' count (about 8 KiB a million records), which every proof reads most of.
// Below it, nodes are kept in bottom tiles.
inline constexpr int kUpperLevel = 8;

// BottomTile holds the completed nodes of levels 0 to 7 over the 256 leaves
// [index·256, index·256 + 256): levels[j] has (width >> j) of them, width being how many leaves
// it has so far. Encoded as the width (2 bytes, big-endian) then each level's hashes in turn.
struct BottomTile {
  uint64_t index = 0;
  std::array<std::vector<MerkleHash>, kUpperLevel> levels;

  size_t width() const { return levels[0].size(); }
  bool full() const { return width() == 256; }
  // Add keeps `node` (of a level below 8, inside this tile, the next of its level).
  void Add(const MerkleNode& node);
  // Find returns node (level, index) of the tree, or nullptr when the tile does not hold it.
  const MerkleHash* Find(int level, uint64_t node_index) const;
  std::string Encode() const;
  // Decode reads Encode's bytes for tile `index`; FailedPrecondition when they are not a tile.
  static StatusOr<BottomTile> Decode(uint64_t index, std::string_view bytes);
};

// TreeGrowth is what one batch adds: the frontiers of the streams it grew, the bottom tiles it
// filled or changed, the nodes of level 8 up its records completed, and where each admitted
// event's record lies.
struct TreeGrowth {
  StreamTrees frontiers;
  std::map<std::string, std::vector<BottomTile>> tiles;     // stream → tiles to write
  std::map<std::string, std::vector<MerkleNode>> nodes;     // stream → nodes of level >= 8
  std::vector<std::pair<std::string, LogPosition>> events;  // event id → its record
};

// PutTreeGrowth adds `growth` to `batch`, its events' index entries in key order, which
// RocksDB's skiplist inserts fastest (event ids are UUIDv7, in time order only to the
// millisecond). Events that SortEvents ordered are only checked, not sorted again.
void PutTreeGrowth(const TreeGrowth& growth, rocksdb::WriteBatch* batch);

// SortEvents orders growth->events as their index keys sort. The projector calls it on the
// admitting thread, so that the applying thread's PutTreeGrowth need not.
void SortEvents(TreeGrowth* growth);

// ReadStreamTrees reads every stream's frontier. A view written before the nodes were kept in
// this layout ("~tree-nodes" absent, or "1") yields none, so the projector computes them again
// from offset 0. A
// frontier that does not decode is FailedPrecondition (a damaged view).
StatusOr<StreamTrees> ReadStreamTrees(rocksdb::DB* db);

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

// ReadBottomTile returns tile `index` of `stream`; an empty one (of that index) when the view
// holds none yet.
StatusOr<BottomTile> ReadBottomTile(rocksdb::DB* db, const std::string& stream, uint64_t index);

// StoredTreeNodes reads `stream`'s nodes from `db`: below level 8 from the bottom tiles (each
// tile read once per reader), from level 8 up one key a node. A node the view does not hold is
// NotFound. The reader must not outlive `db`.
MerkleNodeReader StoredTreeNodes(rocksdb::DB* db, const std::string& stream);

// ReadTreeNode returns the hash of node (level, index) of `stream` from level 8 up; NotFound
// when the view holds no such node (the tree is smaller).
StatusOr<MerkleHash> ReadTreeNode(rocksdb::DB* db, const std::string& stream, int level,
                                  uint64_t index);

// ReadEventRecords returns the records that hold an admitted event with id `event_id`, in key
// order (usually one; a stream that others may write can repeat an id).
StatusOr<std::vector<LogPosition>> ReadEventRecords(rocksdb::DB* db, const std::string& event_id);

}  // namespace wit

#endif  // WIT_PROJECTOR_VIEW_TREES_H_
