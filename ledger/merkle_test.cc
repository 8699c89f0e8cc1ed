#include "ledger/merkle.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <map>
#include <random>

namespace wit {
namespace {

MerkleHash Sha256(const std::string& bytes) {
  MerkleHash out;
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

std::string Bytes(const MerkleHash& h) { return std::string(h.begin(), h.end()); }

MerkleTree TreeOf(uint64_t n) {
  MerkleTree t;
  for (uint64_t i = 0; i < n; ++i) t.Append(MerkleLeafHash("record " + std::to_string(i)));
  return t;
}

TEST(MerkleTest, HashesAreRfc6962s) {
  EXPECT_EQ(MerkleEmptyRoot(), Sha256(""));
  EXPECT_EQ(MerkleLeafHash("abc"), Sha256(std::string("\0abc", 4)));
  MerkleHash a = MerkleLeafHash("a"), b = MerkleLeafHash("b");
  EXPECT_EQ(MerkleNodeHash(a, b), Sha256("\x01" + Bytes(a) + Bytes(b)));
  // Three leaves split 2 + 1: the largest power of two below n goes left.
  MerkleHash c = MerkleLeafHash("c");
  MerkleTree t;
  for (const MerkleHash& h : {a, b, c}) t.Append(h);
  EXPECT_EQ(t.RootAt(3), MerkleNodeHash(MerkleNodeHash(a, b), c));
  EXPECT_EQ(t.RootAt(1), a);
  EXPECT_EQ(t.RootAt(0), MerkleEmptyRoot());
}

TEST(MerkleTest, TheFrontierGivesEveryRootOfTheTreeAndSurvivesEncoding) {
  MerkleTree tree;
  MerkleFrontier frontier;
  EXPECT_EQ(frontier.Root(), MerkleEmptyRoot());
  for (uint64_t i = 0; i < 300; ++i) {
    MerkleHash leaf = MerkleLeafHash("record " + std::to_string(i));
    tree.Append(leaf);
    frontier.Append(leaf);
    ASSERT_EQ(frontier.Root(), tree.RootAt(i + 1)) << "size " << i + 1;
    StatusOr<MerkleFrontier> again = MerkleFrontier::Decode(frontier.Encode());
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    ASSERT_EQ(again->size(), i + 1);
    ASSERT_EQ(again->Root(), frontier.Root());
    EXPECT_EQ(frontier.Encode().size(), 8 + 32 * static_cast<size_t>(__builtin_popcountll(i + 1)));
  }
  // A restored frontier grows on as the original does.
  MerkleFrontier restored = *MerkleFrontier::Decode(frontier.Encode());
  restored.Append(MerkleLeafHash("one more"));
  tree.Append(MerkleLeafHash("one more"));
  EXPECT_EQ(restored.Root(), tree.RootAt(301));
}

TEST(MerkleTest, AFrontierThatIsNotOneIsRefused) {
  EXPECT_FALSE(MerkleFrontier::Decode("").ok());
  EXPECT_FALSE(MerkleFrontier::Decode("1234567").ok());
  MerkleFrontier f;
  for (int i = 0; i < 3; ++i) f.Append(MerkleLeafHash("x"));
  std::string bytes = f.Encode();  // size 3: two hashes
  EXPECT_FALSE(MerkleFrontier::Decode(bytes.substr(0, bytes.size() - 1)).ok());
  EXPECT_FALSE(MerkleFrontier::Decode(bytes + std::string(32, 'h')).ok());
  EXPECT_TRUE(MerkleFrontier::Decode(bytes).ok());
}

TEST(MerkleTest, EveryInclusionProofVerifiesAndNoAlteredOneDoes) {
  MerkleTree t = TreeOf(70);
  for (uint64_t n = 1; n <= 70; ++n) {
    MerkleHash root = t.RootAt(n);
    for (uint64_t i = 0; i < n; ++i) {
      MerkleHash leaf = MerkleLeafHash("record " + std::to_string(i));
      StatusOr<std::vector<MerkleHash>> proof = t.InclusionProof(i, n);
      ASSERT_TRUE(proof.ok());
      ASSERT_TRUE(VerifyInclusion(i, n, leaf, *proof, root)) << i << " of " << n;
      EXPECT_FALSE(VerifyInclusion(i, n, MerkleLeafHash("forged"), *proof, root));
      EXPECT_FALSE(VerifyInclusion(i + 1, n, leaf, *proof, root));
      // (A proof may also verify for another size with the same path shape: what binds the
      // size to the root is the signed checkpoint, not the proof.)
      if (i > 0) {
        EXPECT_FALSE(VerifyInclusion(i - 1, n, leaf, *proof, root));
      }
      std::vector<MerkleHash> longer = *proof;
      longer.push_back(root);
      EXPECT_FALSE(VerifyInclusion(i, n, leaf, longer, root));
      for (size_t k = 0; k < proof->size(); ++k) {
        std::vector<MerkleHash> altered = *proof;
        altered[k][k % 32] ^= 1;
        EXPECT_FALSE(VerifyInclusion(i, n, leaf, altered, root)) << i << " of " << n;
        std::vector<MerkleHash> shorter = *proof;
        shorter.erase(shorter.begin() + static_cast<long>(k));
        EXPECT_FALSE(VerifyInclusion(i, n, leaf, shorter, root));
      }
    }
  }
  EXPECT_FALSE(t.InclusionProof(5, 5).ok());
  EXPECT_FALSE(t.InclusionProof(0, 71).ok());
}

// The property test of issue 14: for random sizes m <= n, our consistency proofs verify, and
// altered ones fail.
TEST(MerkleTest, RandomConsistencyProofsVerifyAndAlteredOnesFail) {
  const uint64_t kMax = 1000;
  MerkleTree t = TreeOf(kMax);
  std::mt19937_64 rng(6962);
  for (int trial = 0; trial < 2000; ++trial) {
    uint64_t n = 1 + rng() % kMax;
    uint64_t m = rng() % (n + 1);
    StatusOr<std::vector<MerkleHash>> proof = t.ConsistencyProof(m, n);
    ASSERT_TRUE(proof.ok());
    MerkleHash old_root = t.RootAt(m), new_root = t.RootAt(n);
    ASSERT_TRUE(VerifyConsistency(m, n, old_root, new_root, *proof)) << m << " to " << n;
    if (m == 0) continue;  // every tree extends the empty one: nothing to alter
    EXPECT_FALSE(VerifyConsistency(m, n, MerkleLeafHash("x"), new_root, *proof));
    EXPECT_FALSE(VerifyConsistency(m, n, old_root, MerkleLeafHash("x"), *proof));
    if (m == n) {
      EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, {old_root}));
      continue;
    }
    EXPECT_FALSE(VerifyConsistency(m, n, new_root, old_root, *proof));
    EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, {}));
    if (m > 1) {
      EXPECT_FALSE(VerifyConsistency(m - 1, n, old_root, new_root, *proof));
    }
    size_t k = rng() % proof->size();
    std::vector<MerkleHash> altered = *proof;
    altered[k][rng() % 32] ^= static_cast<uint8_t>(1 << (rng() % 8));
    EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, altered)) << m << " to " << n;
    std::vector<MerkleHash> shorter = *proof;
    shorter.erase(shorter.begin() + static_cast<long>(k));
    EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, shorter));
    std::vector<MerkleHash> longer = *proof;
    longer.push_back(new_root);
    EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, longer));
  }
  EXPECT_FALSE(t.ConsistencyProof(5, 4).ok());
  EXPECT_FALSE(t.ConsistencyProof(5, kMax + 1).ok());
}

TEST(MerkleTest, AHistoryWithARecordChangedIsInconsistentWithTheTrueOne) {
  MerkleTree truth = TreeOf(40);
  MerkleTree forged;
  for (uint64_t i = 0; i < 40; ++i) {
    forged.Append(MerkleLeafHash(i == 17 ? "forged" : "record " + std::to_string(i)));
  }
  // Proofs from the forged tree do not tie the true old root to the forged new one.
  for (uint64_t m = 18; m < 40; ++m) {
    EXPECT_FALSE(VerifyConsistency(m, 40, truth.RootAt(m), forged.RootAt(40),
                                   *forged.ConsistencyProof(m, 40)));
  }
  // Before the change the trees agree.
  EXPECT_EQ(truth.RootAt(17), forged.RootAt(17));
  EXPECT_TRUE(VerifyConsistency(17, 40, truth.RootAt(17), forged.RootAt(40),
                                *forged.ConsistencyProof(17, 40)));
}

// The nodes a frontier reports as it grows are the tree's, so a store of them answers the same
// proofs as the whole tree; a node missing from the store is an error, not a wrong proof.
TEST(MerkleTest, TheNodesAFrontierCompletesAnswerTheTreesProofs) {
  MerkleTree tree = TreeOf(100);
  MerkleFrontier frontier;
  std::map<std::pair<int, uint64_t>, MerkleHash> store;
  for (uint64_t i = 0; i < 100; ++i) {
    std::vector<MerkleNode> completed;
    frontier.Append(MerkleLeafHash("record " + std::to_string(i)), &completed);
    ASSERT_FALSE(completed.empty());
    EXPECT_EQ(completed[0].level, 0);
    EXPECT_EQ(completed[0].index, i);
    for (const MerkleNode& n : completed) store[{n.level, n.index}] = n.hash;
  }
  EXPECT_EQ(store.size(), 100u + 50 + 25 + 12 + 6 + 3 + 1);
  MerkleNodeReader reader = [&](int level, uint64_t index) -> StatusOr<MerkleHash> {
    auto it = store.find({level, index});
    if (it == store.end()) return Status::NotFound("no node");
    return it->second;
  };
  for (uint64_t n = 1; n <= 100; n += 7) {
    EXPECT_EQ(*MerkleRootOf(n, reader), tree.RootAt(n));
    for (uint64_t i = 0; i < n; i += 3) {
      EXPECT_EQ(*MerkleInclusionProof(i, n, reader), *tree.InclusionProof(i, n));
    }
    for (uint64_t m = 0; m <= n; m += 5) {
      EXPECT_EQ(*MerkleConsistencyProof(m, n, reader), *tree.ConsistencyProof(m, n));
    }
  }
  store.erase({3, 1});  // leaves 8..15
  store.erase({2, 2});  // leaves 8..11
  EXPECT_TRUE(MerkleInclusionProof(0, 100, reader).status().code() == Status::Code::kNotFound);
  EXPECT_TRUE(MerkleConsistencyProof(12, 100, reader).status().code() == Status::Code::kNotFound);
}

// Whatever the change (one record changed, two swapped, one deleted, the tail cut), the
// descent names the first record that departs from the signed tree, with a few proofs; a
// source that lies is found out rather than believed.
TEST(MerkleTest, TheFirstDifferenceIsFoundWithProofsOfTheSignedTree) {
  const uint64_t kSize = 300;
  MerkleTree signed_tree = TreeOf(kSize);
  MerkleHash root = signed_tree.RootAt(kSize);
  int fetched = 0;
  MerkleInclusionSource honest = [&](uint64_t i) {
    ++fetched;
    return signed_tree.InclusionProof(i, kSize);
  };
  auto tree_of = [](const std::vector<std::string>& records) {
    MerkleTree t;
    for (const std::string& r : records) t.Append(MerkleLeafHash(r));
    return t;
  };
  std::vector<std::string> records;
  for (uint64_t i = 0; i < kSize; ++i) records.push_back("record " + std::to_string(i));

  EXPECT_EQ(MerkleFirstDifference(signed_tree, kSize, root, honest).status().code(),
            Status::Code::kNotFound);
  for (uint64_t bad : {0u, 1u, 137u, 255u, 256u, 299u}) {
    std::vector<std::string> changed = records;
    changed[bad] = "forged";
    fetched = 0;
    EXPECT_EQ(*MerkleFirstDifference(tree_of(changed), kSize, root, honest), bad);
    EXPECT_LE(fetched, 2 * 9);  // two proofs a level, at most
    std::vector<std::string> swapped = records;
    std::swap(swapped[bad], swapped[(bad + 40) % kSize]);
    EXPECT_EQ(*MerkleFirstDifference(tree_of(swapped), kSize, root, honest),
              std::min(bad, (bad + 40) % kSize));
    std::vector<std::string> deleted = records;
    deleted.erase(deleted.begin() + static_cast<long>(bad));
    EXPECT_EQ(*MerkleFirstDifference(tree_of(deleted), kSize, root, honest), bad);
  }
  std::vector<std::string> cut(records.begin(), records.begin() + 123);
  EXPECT_EQ(*MerkleFirstDifference(tree_of(cut), kSize, root, honest), 123u);
  // A longer log than the signed tree is compared on the signed part.
  std::vector<std::string> longer = records;
  longer[200] = "forged";
  longer.emplace_back("appended");
  EXPECT_EQ(*MerkleFirstDifference(tree_of(longer), kSize, root, honest), 200u);

  // A source that serves the proofs of a forged tree cannot make the descent accept them.
  std::vector<std::string> forged = records;
  forged[10] = "forged";
  MerkleTree forged_tree = tree_of(forged);
  MerkleInclusionSource liar = [&](uint64_t i) { return forged_tree.InclusionProof(i, kSize); };
  EXPECT_EQ(MerkleFirstDifference(forged_tree, kSize, root, liar).status().code(),
            Status::Code::kFailedPrecondition);
  MerkleInclusionSource broken = [](uint64_t) -> StatusOr<std::vector<MerkleHash>> {
    return Status::Unavailable("down");
  };
  EXPECT_EQ(MerkleFirstDifference(forged_tree, kSize, root, broken).status().code(),
            Status::Code::kUnavailable);
}

}  // namespace
}  // namespace wit
