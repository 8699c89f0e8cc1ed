#ifndef WIT_LEDGER_MERKLE_H_
#define WIT_LEDGER_MERKLE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace wit {

// The Merkle tree of a log stream, as RFC 6962 and RFC 9162 define it (Certificate
// Transparency; also Go's checksum database and Sigstore), so that their tools can check ours.
// Leaf i is the record at offset i, its payload exactly as stored:
//   leaf hash = SHA-256(0x00 || record)
//   node hash = SHA-256(0x01 || left || right)
// and a tree of n > 1 leaves splits at k, the largest power of two below n. The root of an
// empty tree is SHA-256 of nothing.
using MerkleHash = std::array<uint8_t, 32>;

MerkleHash MerkleLeafHash(std::string_view record);
MerkleHash MerkleNodeHash(const MerkleHash& left, const MerkleHash& right);
MerkleHash MerkleEmptyRoot();

// MerkleHashBase64 is `h` in standard base64, as checkpoints and proofs carry hashes.
// MerkleHashFromBase64 reads it back; InvalidArgument unless it is 32 bytes in that form.
std::string MerkleHashBase64(const MerkleHash& h);
StatusOr<MerkleHash> MerkleHashFromBase64(std::string_view text);

// MerkleNode is a perfect subtree a growing tree has completed: level l, index i covers the
// leaves [i·2^l, (i+1)·2^l). Level 0 holds the leaf hashes. Once complete a node never
// changes, so a store of them answers proofs for every size the tree has had.
struct MerkleNode {
  int level = 0;
  uint64_t index = 0;
  MerkleHash hash{};
};

// MerkleNodeReader returns the hash of the completed perfect subtree (level, index), or an
// error when it cannot (a store that fails, or a node it does not hold).
using MerkleNodeReader = std::function<StatusOr<MerkleHash>(int level, uint64_t index)>;

// MerkleRootOf is the root of the tree of the first `size` leaves, from their nodes.
StatusOr<MerkleHash> MerkleRootOf(uint64_t size, const MerkleNodeReader& nodes);

// MerkleInclusionProof is the audit path of leaf `index` in the tree of `size` leaves (RFC
// 9162 2.1.3.1), from the tree's nodes. InvalidArgument unless index < size; the caller
// checks that the tree has `size` leaves.
StatusOr<std::vector<MerkleHash>> MerkleInclusionProof(uint64_t index, uint64_t size,
                                                       const MerkleNodeReader& nodes);

// MerkleConsistencyProof shows the tree of `from` leaves is a prefix of the tree of `to`
// leaves (RFC 9162 2.1.4.1); empty when from is 0 or from == to. InvalidArgument unless
// from <= to.
StatusOr<std::vector<MerkleHash>> MerkleConsistencyProof(uint64_t from, uint64_t to,
                                                         const MerkleNodeReader& nodes);

// MerkleFrontier is the right edge of a growing tree: the roots of its perfect subtrees, one
// per bit set in its size, largest first. It takes O(log n) hashes, and gives the root of
// the tree of every leaf appended so far. Not thread-safe.
class MerkleFrontier {
 public:
  uint64_t size() const { return size_; }

  // Append adds the leaf with hash `leaf` (MerkleLeafHash of its record). With `completed`, it
  // adds there every node the leaf completes: the leaf itself, then each parent it closes.
  void Append(const MerkleHash& leaf, std::vector<MerkleNode>* completed = nullptr);

  // Root is the tree's root hash (MerkleEmptyRoot for no leaf).
  MerkleHash Root() const;

  // Encode gives the frontier as bytes to store: the size, 8 bytes big-endian, then its
  // hashes. Decode reads them back; InvalidArgument when they are not a frontier.
  std::string Encode() const;
  static StatusOr<MerkleFrontier> Decode(std::string_view bytes);

 private:
  uint64_t size_ = 0;
  std::vector<MerkleHash> nodes_;  // largest subtree first
};

// MerkleTree holds every node hash of a tree: the leaves, and each perfect subtree's root
// (level l, index i covers leaves [i·2^l, (i+1)·2^l)), about two hashes a leaf. It answers
// the root of any earlier size and the RFC 9162 proofs. Not thread-safe.
class MerkleTree {
 public:
  uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }

  void Append(const MerkleHash& leaf);

  // RootAt is the root of the tree of the first `size` leaves. REQUIRES: size <= size().
  MerkleHash RootAt(uint64_t size) const;

  // RangeRoot is the root of the leaves [begin, begin + n), as a subtree of the RFC 6962 tree
  // hashes them. REQUIRES: begin + n <= size().
  MerkleHash RangeRoot(uint64_t begin, uint64_t n) const;

  // InclusionProof is the audit path of leaf `index` in the tree of `size` leaves (RFC 9162
  // 2.1.3.1). InvalidArgument unless index < size <= size().
  StatusOr<std::vector<MerkleHash>> InclusionProof(uint64_t index, uint64_t size) const;

  // ConsistencyProof shows the tree of `from` leaves is a prefix of the tree of `to` leaves
  // (RFC 9162 2.1.4.1); empty when from is 0 or from == to. InvalidArgument unless
  // from <= to <= size().
  StatusOr<std::vector<MerkleHash>> ConsistencyProof(uint64_t from, uint64_t to) const;

 private:
  MerkleNodeReader Reader() const;

  std::vector<std::vector<MerkleHash>> levels_;  // levels_[l][i]: perfect subtree (l, i)
};

// MerkleInclusionSource returns the audit path of leaf `index` in one tree (of a size the
// caller knows), typically fetched from the log's server: untrusted.
using MerkleInclusionSource = std::function<StatusOr<std::vector<MerkleHash>>(uint64_t index)>;

// MerkleFirstDifference finds the first leaf at which `ours` departs from the tree of `size`
// leaves whose root is `root`: a leaf that differs, or the first one `ours` lacks. It descends
// from the root with two inclusion proofs a level from `proofs` (for leaves of that tree), and
// trusts the hashes they carry only once the two halves they give hash to the node above them,
// which the signed root vouches for. So a source that lies gets FailedPrecondition, never a
// wrong offset; its own errors are passed on. NotFound when `ours` matches the tree.
StatusOr<uint64_t> MerkleFirstDifference(const MerkleTree& ours, uint64_t size,
                                         const MerkleHash& root,
                                         const MerkleInclusionSource& proofs);

// VerifyInclusion checks that `leaf` is leaf `index` of the tree of `size` leaves whose root
// is `root`, by `proof` (RFC 9162 2.1.3.2).
bool VerifyInclusion(uint64_t index, uint64_t size, const MerkleHash& leaf,
                     const std::vector<MerkleHash>& proof, const MerkleHash& root);

// VerifyConsistency checks that the tree of `from` leaves with root `from_root` is a prefix of
// the tree of `to` leaves with root `to_root`, by `proof` (RFC 9162 2.1.4.2). Every tree
// extends the empty one; a tree extends itself with an empty proof.
bool VerifyConsistency(uint64_t from, uint64_t to, const MerkleHash& from_root,
                       const MerkleHash& to_root, const std::vector<MerkleHash>& proof);

}  // namespace wit

#endif  // WIT_LEDGER_MERKLE_H_
