#include "projector/view_trees.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <cstring>
#include <memory>

#include "base/coding.h"

namespace wit {
namespace {

constexpr char kTreePrefix[] = "m/";
constexpr char kNodesKey[] = "~tree-nodes";

std::string NodeKey(const std::string& stream, int level, uint64_t index) {
  std::string k = "n/" + stream;
  k.push_back('\0');
  k.push_back(static_cast<char>(level));
  return k + EncodeFixed64(index);
}

std::string EventPrefix(const std::string& event_id) {
  std::string k = "e/" + event_id;
  k.push_back('\0');
  return k;
}

}  // namespace

void PutTreeGrowth(const TreeGrowth& growth, rocksdb::WriteBatch* batch) {
  for (const auto& [stream, tree] : growth.frontiers) {
    batch->Put(kTreePrefix + stream, tree.Encode());
  }
  if (!growth.frontiers.empty()) batch->Put(kNodesKey, "1");
  for (const auto& [stream, nodes] : growth.nodes) {
    for (const MerkleNode& n : nodes) {
      batch->Put(NodeKey(stream, n.level, n.index),
                 rocksdb::Slice(reinterpret_cast<const char*>(n.hash.data()), n.hash.size()));
    }
  }
  for (const auto& [id, at] : growth.events) {
    std::string k = EventPrefix(id) + at.stream;
    k.push_back('\0');
    batch->Put(k + EncodeFixed64(at.offset), "");
  }
}

StatusOr<StreamTrees> ReadStreamTrees(rocksdb::DB* db) {
  StreamTrees trees;
  std::string marker;
  rocksdb::Status ms = db->Get(rocksdb::ReadOptions(), kNodesKey, &marker);
  if (ms.IsNotFound()) return trees;
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
