#include "projector/view_trees.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>

#include "base/coding.h"

namespace wit {
namespace {

constexpr char kTreePrefix[] = "m/";
constexpr char kNodesKey[] = "~tree-nodes";
constexpr char kNodesLayout[] = "2";  // "1" kept every node a key, from 2026-12-01 only

std::string NodeKey(const std::string& stream, int level, uint64_t index) {
  std::string k = "n/" + stream;
  k.push_back('\0');
  k.push_back(static_cast<char>(level));
  return k + EncodeFixed64(index);
}

std::string TileKey(const std::string& stream, uint64_t index) {
  std::string k = "b/" + stream;
  k.push_back('\0');
  return k + EncodeFixed64(index);
}

using EventAt = std::pair<std::string, LogPosition>;  // an element of TreeGrowth::events

// EventKeyLess orders events as their index keys sort: the id and the stream each end in a \0,
// which neither holds and which sorts below any byte that ends a longer one, and offsets are
// big-endian.
bool EventKeyLess(const EventAt& a, const EventAt& b) {
  if (int c = a.first.compare(b.first); c != 0) return c < 0;
  if (int c = a.second.stream.compare(b.second.stream); c != 0) return c < 0;
  return a.second.offset < b.second.offset;
}

std::string EventPrefix(const std::string& event_id) {
  std::string k = "e/" + event_id;
  k.push_back('\0');
  return k;
}

}  // namespace

void BottomTile::Add(const MerkleNode& node) {
  if (node.level >= kUpperLevel) return;
  std::vector<MerkleHash>& level = levels[static_cast<size_t>(node.level)];
  uint64_t first = index << (kUpperLevel - node.level);  // of this level, in the tile
  if (node.index == first + level.size()) level.push_back(node.hash);
}

const MerkleHash* BottomTile::Find(int level, uint64_t node_index) const {
  if (level < 0 || level >= kUpperLevel) return nullptr;
  const std::vector<MerkleHash>& nodes = levels[static_cast<size_t>(level)];
  uint64_t first = index << (kUpperLevel - level);
  if (node_index < first || node_index - first >= nodes.size()) return nullptr;
  return &nodes[node_index - first];
}

std::string BottomTile::Encode() const {
  std::string out;
  out.push_back(static_cast<char>(width() >> 8));
  out.push_back(static_cast<char>(width() & 0xff));
  for (const std::vector<MerkleHash>& level : levels) {
    for (const MerkleHash& h : level) out.append(reinterpret_cast<const char*>(h.data()), 32);
  }
  return out;
}

StatusOr<BottomTile> BottomTile::Decode(uint64_t index, std::string_view bytes) {
  BottomTile t;
  t.index = index;
  size_t width = bytes.size() < 2 ? 0
                                  : (static_cast<size_t>(static_cast<uint8_t>(bytes[0])) << 8) |
                                        static_cast<uint8_t>(bytes[1]);
  size_t hashes = 0;
  for (int j = 0; j < kUpperLevel; ++j) hashes += width >> j;
  if (bytes.size() < 2 || width > 256 || bytes.size() != 2 + 32 * hashes) {
    return Status::FailedPrecondition("a bottom tile of the view is damaged");
  }
  bytes.remove_prefix(2);
  for (int j = 0; j < kUpperLevel; ++j) {
    for (size_t i = 0; i < (width >> j); ++i, bytes.remove_prefix(32)) {
      MerkleHash h;
      std::memcpy(h.data(), bytes.data(), 32);
      t.levels[static_cast<size_t>(j)].push_back(h);
    }
  }
  return t;
}

void PutTreeGrowth(const TreeGrowth& growth, rocksdb::WriteBatch* batch) {
  for (const auto& [stream, tree] : growth.frontiers) {
    batch->Put(kTreePrefix + stream, tree.Encode());
  }
  if (!growth.frontiers.empty()) batch->Put(kNodesKey, kNodesLayout);
  for (const auto& [stream, tiles] : growth.tiles) {
    for (const BottomTile& t : tiles) batch->Put(TileKey(stream, t.index), t.Encode());
  }
  for (const auto& [stream, nodes] : growth.nodes) {
    for (const MerkleNode& n : nodes) {
      batch->Put(NodeKey(stream, n.level, n.index),
                 rocksdb::Slice(reinterpret_cast<const char*>(n.hash.data()), n.hash.size()));
    }
  }
  // In key order, which SortEvents gave them on the admitting thread; a growth not sorted so
  // is sorted here, in a copy.
  const std::vector<EventAt>* events = &growth.events;
  std::vector<EventAt> sorted;
  if (!std::is_sorted(events->begin(), events->end(), EventKeyLess)) {
    sorted = growth.events;
    std::sort(sorted.begin(), sorted.end(), EventKeyLess);
    events = &sorted;
  }
  std::string k;
  for (const auto& [id, at] : *events) {
    k = EventPrefix(id);
    k += at.stream;
    k.push_back('\0');
    k += EncodeFixed64(at.offset);
    batch->Put(k, "");
  }
}

void SortEvents(TreeGrowth* growth) {
  std::sort(growth->events.begin(), growth->events.end(), EventKeyLess);
}

StatusOr<StreamTrees> ReadStreamTrees(rocksdb::DB* db) {
  StreamTrees trees;
  std::string marker;
  rocksdb::Status ms = db->Get(rocksdb::ReadOptions(), kNodesKey, &marker);
  if (ms.IsNotFound() || (ms.ok() && marker != kNodesLayout)) return trees;
  if (!ms.ok()) return Status::FailedPrecondition("cannot read the view: " + ms.ToString());
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(kTreePrefix); it->Valid() && it->key().starts_with(kTreePrefix); it->Next()) {
    std::string stream = it->key().ToString().substr(sizeof(kTreePrefix) - 1);
    StatusOr<MerkleFrontier> tree = MerkleFrontier::Decode(it->value().ToStringView());
    if (!tree.ok()) {
      return Status::FailedPrecondition("the view's tree of " + stream + ": " +
                                        tree.status().message());
    }
    trees.emplace(std::move(stream), std::move(*tree));
  }
  if (!it->status().ok()) {
    return Status::FailedPrecondition("cannot read the view: " + it->status().ToString());
  }
  return trees;
}

void UpperNodes::Add(const MerkleNode& node) {
  if (node.level < kUpperLevel) return;
  auto l = static_cast<size_t>(node.level - kUpperLevel);
  if (levels.size() <= l) levels.resize(l + 1);
  if (levels[l].size() == node.index) levels[l].push_back(node.hash);
}

const MerkleHash* UpperNodes::Find(int level, uint64_t index) const {
  if (level < kUpperLevel) return nullptr;
  auto l = static_cast<size_t>(level - kUpperLevel);
  if (l >= levels.size() || index >= levels[l].size()) return nullptr;
  return &levels[l][index];
}

StatusOr<std::map<std::string, UpperNodes>> ReadUpperNodes(rocksdb::DB* db,
                                                           const StreamTrees& streams) {
  std::map<std::string, UpperNodes> out;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  for (const auto& [stream, frontier] : streams) {
    UpperNodes& upper = out[stream];
    const std::string prefix = NodeKey(stream, kUpperLevel, 0).substr(0, 3 + stream.size());
    for (it->Seek(NodeKey(stream, kUpperLevel, 0)); it->Valid() && it->key().starts_with(prefix);
         it->Next()) {
      std::string_view key = it->key().ToStringView().substr(prefix.size());
      if (key.size() != 9 || it->value().size() != 32) continue;
      MerkleNode node;
      node.level = static_cast<unsigned char>(key[0]);
      node.index = DecodeFixed64(key.substr(1));
      std::memcpy(node.hash.data(), it->value().data(), 32);
      upper.Add(node);
    }
  }
  if (!it->status().ok()) {
    return Status::FailedPrecondition("cannot read the view: " + it->status().ToString());
  }
  return out;
}

StatusOr<BottomTile> ReadBottomTile(rocksdb::DB* db, const std::string& stream, uint64_t index) {
  std::string value;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), TileKey(stream, index), &value);
  if (s.IsNotFound()) {
    BottomTile empty;
    empty.index = index;
    return empty;
  }
  if (!s.ok()) return Status::Unavailable("view read failed: " + s.ToString());
  return BottomTile::Decode(index, value);
}

MerkleNodeReader StoredTreeNodes(rocksdb::DB* db, const std::string& stream) {
  auto tiles = std::make_shared<std::map<uint64_t, BottomTile>>();
  return [db, stream, tiles](int level, uint64_t index) -> StatusOr<MerkleHash> {
    if (level >= kUpperLevel) return ReadTreeNode(db, stream, level, index);
    uint64_t tile = index >> (kUpperLevel - level);
    auto it = tiles->find(tile);
    if (it == tiles->end()) {
      StatusOr<BottomTile> read = ReadBottomTile(db, stream, tile);
      if (!read.ok()) return read.status();
      it = tiles->emplace(tile, std::move(*read)).first;
    }
    if (const MerkleHash* h = it->second.Find(level, index)) return *h;
    return Status::NotFound("the tree of " + stream + " has no node " + std::to_string(level) +
                            "/" + std::to_string(index));
  };
}

StatusOr<MerkleHash> ReadTreeNode(rocksdb::DB* db, const std::string& stream, int level,
                                  uint64_t index) {
  std::string value;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), NodeKey(stream, level, index), &value);
  if (s.IsNotFound()) {
    return Status::NotFound("the tree of " + stream + " has no node " + std::to_string(level) +
                            "/" + std::to_string(index));
  }
  if (!s.ok()) return Status::Unavailable("view read failed: " + s.ToString());
  if (value.size() != 32) {
    return Status::FailedPrecondition("a node of the tree of " + stream + " is not 32 bytes");
  }
  MerkleHash h;
  std::memcpy(h.data(), value.data(), 32);
  return h;
}

StatusOr<std::vector<LogPosition>> ReadEventRecords(rocksdb::DB* db, const std::string& event_id) {
  std::vector<LogPosition> out;
  const std::string prefix = EventPrefix(event_id);
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string_view rest = it->key().ToStringView().substr(prefix.size());
    size_t nul = rest.find('\0');
    if (nul == std::string_view::npos || rest.size() - nul - 1 != 8) continue;
    out.push_back({std::string(rest.substr(0, nul)), DecodeFixed64(rest.substr(nul + 1))});
  }
  if (!it->status().ok())
    return Status::Unavailable("view read failed: " + it->status().ToString());
  return out;
}

}  // namespace wit
