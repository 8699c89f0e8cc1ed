#include "ledger/merkle.h"

#include <openssl/evp.h>

#include <cstring>
#include <map>
#include <memory>

#include "base/base64.h"
#include "base/coding.h"

namespace wit {
namespace {

// LargestPowerBelow is the largest power of two k < n. REQUIRES: n > 1.
uint64_t LargestPowerBelow(uint64_t n) {
  uint64_t k = 1;
  while (k << 1 < n) k <<= 1;
  return k;
}

}  // namespace

namespace {

// Sha256 hashes `prefix` and then `data` with a context and a digest of this thread's own,
// fetched once: EVP_sha256() would look the algorithm up again on every call, which costs more
// than hashing a record (a profile of wit-audit verify showed half its time there).
MerkleHash Sha256(uint8_t prefix, const void* data, size_t size) {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                           &EVP_MD_CTX_free);
  MerkleHash out;
  unsigned int len = 0;
  EVP_DigestInit_ex2(ctx.get(), md, nullptr);
  EVP_DigestUpdate(ctx.get(), &prefix, 1);
  EVP_DigestUpdate(ctx.get(), data, size);
  EVP_DigestFinal_ex(ctx.get(), out.data(), &len);
  return out;
}

}  // namespace

MerkleHash MerkleLeafHash(std::string_view record) {
  return Sha256(0x00, record.data(), record.size());
}

MerkleHash MerkleNodeHash(const MerkleHash& left, const MerkleHash& right) {
  uint8_t children[2 * 32];
  std::memcpy(children, left.data(), 32);
  std::memcpy(children + 32, right.data(), 32);
  return Sha256(0x01, children, sizeof children);
}

std::string MerkleHashBase64(const MerkleHash& h) {
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
}

StatusOr<MerkleHash> MerkleHashFromBase64(std::string_view text) {
  StatusOr<std::string> raw = Base64Decode(text);
  if (!raw.ok() || raw->size() != 32) {
    return Status::InvalidArgument("a hash is 32 bytes in standard base64");
  }
  MerkleHash h;
  std::memcpy(h.data(), raw->data(), 32);
  return h;
}

MerkleHash MerkleEmptyRoot() {
  MerkleHash out;
  unsigned int len = 0;
  EVP_Digest(nullptr, 0, out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

void MerkleFrontier::Append(const MerkleHash& leaf, std::vector<MerkleNode>* completed) {
  // Each trailing one bit of the old size is a perfect subtree the new leaf completes.
  MerkleHash carry = leaf;
  int level = 0;
  if (completed) completed->push_back({0, size_, leaf});
  for (uint64_t s = size_; s & 1; s >>= 1) {
    carry = MerkleNodeHash(nodes_.back(), carry);
    nodes_.pop_back();
    ++level;
    if (completed) completed->push_back({level, size_ >> level, carry});
  }
  nodes_.push_back(carry);
  ++size_;
}

MerkleHash MerkleFrontier::Root() const {
  if (nodes_.empty()) return MerkleEmptyRoot();
  MerkleHash root = nodes_.back();
  for (size_t i = nodes_.size() - 1; i-- > 0;) root = MerkleNodeHash(nodes_[i], root);
  return root;
}

std::string MerkleFrontier::Encode() const {
  std::string out = EncodeFixed64(size_);
  for (const MerkleHash& h : nodes_) out.append(reinterpret_cast<const char*>(h.data()), h.size());
  return out;
}

StatusOr<MerkleFrontier> MerkleFrontier::Decode(std::string_view bytes) {
  if (bytes.size() < 8) return Status::InvalidArgument("a Merkle frontier is at least 8 bytes");
  MerkleFrontier f;
  f.size_ = DecodeFixed64(bytes.substr(0, 8));
  bytes.remove_prefix(8);
  if (bytes.size() != 32 * static_cast<size_t>(__builtin_popcountll(f.size_))) {
    return Status::InvalidArgument("a Merkle frontier of " + std::to_string(f.size_) +
                                   " leaves holds one hash per bit set in its size");
  }
  for (; !bytes.empty(); bytes.remove_prefix(32)) {
    MerkleHash h;
    std::memcpy(h.data(), bytes.data(), 32);
    f.nodes_.push_back(h);
  }
  return f;
}

void MerkleTree::Append(const MerkleHash& leaf) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf);
  // Complete every perfect subtree the new leaf closes.
  for (size_t l = 0; levels_[l].size() % 2 == 0; ++l) {
    const std::vector<MerkleHash>& below = levels_[l];
    MerkleHash parent = MerkleNodeHash(below[below.size() - 2], below.back());
    if (levels_.size() == l + 1) levels_.emplace_back();
    levels_[l + 1].push_back(parent);
  }
}

namespace {

// NodeWalk computes subtree hashes and proofs from a tree's completed nodes (RFC 9162 2.1),
// remembering the first error a read returns.
class NodeWalk {
 public:
  explicit NodeWalk(const MerkleNodeReader& nodes) : nodes_(nodes) {}
  const Status& status() const { return status_; }

  // Hash is the root of the leaves [begin, begin + n): a stored node when the range is a
  // perfect subtree aligned to its size, else the hash of its two halves.
  MerkleHash Hash(uint64_t begin, uint64_t n) {
    if (n == 0) return MerkleEmptyRoot();
    if ((n & (n - 1)) == 0 && (begin & (n - 1)) == 0) {
      int level = __builtin_ctzll(n);  // n is 2^level
      StatusOr<MerkleHash> h = nodes_(level, begin >> level);
      if (h.ok()) return *h;
      if (status_.ok()) status_ = h.status();
      return MerkleHash{};
    }
    uint64_t k = LargestPowerBelow(n);
    return MerkleNodeHash(Hash(begin, k), Hash(begin + k, n - k));
  }

  void Path(uint64_t index, uint64_t begin, uint64_t n, std::vector<MerkleHash>* out) {
    if (n <= 1) return;
    uint64_t k = LargestPowerBelow(n);
    if (index < k) {
      Path(index, begin, k, out);
      out->push_back(Hash(begin + k, n - k));
    } else {
      Path(index - k, begin + k, n - k, out);
      out->push_back(Hash(begin, k));
    }
  }

  void SubProof(uint64_t m, uint64_t begin, uint64_t n, bool whole, std::vector<MerkleHash>* out) {
    if (m == n) {
      if (!whole) out->push_back(Hash(begin, n));
      return;
    }
    uint64_t k = LargestPowerBelow(n);
    if (m <= k) {
      SubProof(m, begin, k, whole, out);
      out->push_back(Hash(begin + k, n - k));
    } else {
      SubProof(m - k, begin + k, n - k, false, out);
      out->push_back(Hash(begin, k));
    }
  }

 private:
  const MerkleNodeReader& nodes_;
  Status status_;
};

}  // namespace

StatusOr<MerkleHash> MerkleRootOf(uint64_t size, const MerkleNodeReader& nodes) {
  NodeWalk walk(nodes);
  MerkleHash root = walk.Hash(0, size);
  if (!walk.status().ok()) return walk.status();
  return root;
}

StatusOr<std::vector<MerkleHash>> MerkleInclusionProof(uint64_t index, uint64_t size,
                                                       const MerkleNodeReader& nodes) {
  if (index >= size) {
    return Status::InvalidArgument("no leaf " + std::to_string(index) + " in a tree of " +
                                   std::to_string(size));
  }
  NodeWalk walk(nodes);
  std::vector<MerkleHash> out;
  walk.Path(index, 0, size, &out);
  if (!walk.status().ok()) return walk.status();
  return out;
}

StatusOr<std::vector<MerkleHash>> MerkleConsistencyProof(uint64_t from, uint64_t to,
                                                         const MerkleNodeReader& nodes) {
  if (from > to) {
    return Status::InvalidArgument("no consistency proof from " + std::to_string(from) +
                                   " to the smaller " + std::to_string(to));
  }
  NodeWalk walk(nodes);
  std::vector<MerkleHash> out;
  if (from > 0 && from < to) walk.SubProof(from, 0, to, true, &out);
  if (!walk.status().ok()) return walk.status();
  return out;
}

MerkleNodeReader MerkleTree::Reader() const {
  return [this](int level, uint64_t index) -> StatusOr<MerkleHash> {
    return levels_[static_cast<size_t>(level)][index];
  };
}

MerkleHash MerkleTree::RootAt(uint64_t size) const { return *MerkleRootOf(size, Reader()); }

MerkleHash MerkleTree::RangeRoot(uint64_t begin, uint64_t n) const {
  MerkleNodeReader reader = Reader();
  return NodeWalk(reader).Hash(begin, n);
}

StatusOr<uint64_t> MerkleFirstDifference(const MerkleTree& ours, uint64_t size,
                                         const MerkleHash& root,
                                         const MerkleInclusionSource& proofs) {
  if (ours.size() >= size && ours.RootAt(size) == root) {
    return Status::NotFound("the tree matches the signed one");
  }
  std::map<uint64_t, std::vector<MerkleHash>> fetched;
  // Sibling is the entry of leaf `index`'s path at `depth` from the top: the hash of the half
  // of the node at that depth that does not hold the leaf.
  auto sibling = [&](uint64_t index, size_t depth) -> StatusOr<MerkleHash> {
    auto it = fetched.find(index);
    if (it == fetched.end()) {
      StatusOr<std::vector<MerkleHash>> p = proofs(index);
      if (!p.ok()) return p.status();
      it = fetched.emplace(index, std::move(*p)).first;
    }
    if (it->second.size() <= depth) {
      return Status::FailedPrecondition("the proof of leaf " + std::to_string(index) +
                                        " is too short for a tree of " + std::to_string(size));
    }
    return it->second[it->second.size() - 1 - depth];
  };
  MerkleHash node = root;
  uint64_t begin = 0, n = size;
  for (size_t depth = 0; n > 1; ++depth) {
    uint64_t k = LargestPowerBelow(n);
    StatusOr<MerkleHash> right = sibling(begin, depth);
    StatusOr<MerkleHash> left = right.ok() ? sibling(begin + k, depth) : right;
    if (!left.ok()) return left.status();
    if (MerkleNodeHash(*left, *right) != node) {
      return Status::FailedPrecondition("the proofs do not hash to the signed root");
    }
    if (begin + k <= ours.size() && ours.RangeRoot(begin, k) == *left) {
      begin += k;
      n -= k;
      node = *right;
    } else {
      n = k;
      node = *left;
    }
  }
  return begin;
}

StatusOr<std::vector<MerkleHash>> MerkleTree::InclusionProof(uint64_t index, uint64_t size) const {
  if (size > this->size()) {
    return Status::InvalidArgument("no tree of " + std::to_string(size) + " in one of " +
                                   std::to_string(this->size()));
  }
  return MerkleInclusionProof(index, size, Reader());
}

StatusOr<std::vector<MerkleHash>> MerkleTree::ConsistencyProof(uint64_t from, uint64_t to) const {
  if (to > size()) {
    return Status::InvalidArgument("no tree of " + std::to_string(to) + " in one of " +
                                   std::to_string(size()));
  }
  return MerkleConsistencyProof(from, to, Reader());
}

bool VerifyInclusion(uint64_t index, uint64_t size, const MerkleHash& leaf,
                     const std::vector<MerkleHash>& proof, const MerkleHash& root) {
  if (index >= size) return false;
  uint64_t fn = index, sn = size - 1;
  MerkleHash r = leaf;
  for (const MerkleHash& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      r = MerkleNodeHash(p, r);
      if (!(fn & 1)) {
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = MerkleNodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool VerifyConsistency(uint64_t from, uint64_t to, const MerkleHash& from_root,
                       const MerkleHash& to_root, const std::vector<MerkleHash>& proof) {
  if (from > to) return false;
  if (from == to) return proof.empty() && from_root == to_root;
  if (from == 0) return proof.empty();
  if (proof.empty()) return false;
  std::vector<MerkleHash> path;
  // A first tree that is a perfect subtree of the second is its own first node.
  if ((from & (from - 1)) == 0) path.push_back(from_root);
  path.insert(path.end(), proof.begin(), proof.end());
  uint64_t fn = from - 1, sn = to - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  MerkleHash fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const MerkleHash& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      fr = MerkleNodeHash(c, fr);
      sr = MerkleNodeHash(c, sr);
      if (!(fn & 1)) {
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = MerkleNodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && fr == from_root && sr == to_root;
}

}  // namespace wit
