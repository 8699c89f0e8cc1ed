#include "projector/view_trees.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

// A bottom tile holds levels 0 to 7 of its 256 leaves as the frontier completes them, and
// reads back from its encoding, whatever its width.
TEST(BottomTileTest, HoldsTheLowLevelsOfItsLeavesAndReadsBack) {
  MerkleTree tree;
  MerkleFrontier frontier;
  BottomTile tile;
  tile.index = 1;  // leaves 256 to 511
  for (uint64_t i = 0; i < 512; ++i) {
    MerkleHash leaf = MerkleLeafHash("leaf " + std::to_string(i));
    tree.Append(leaf);
    std::vector<MerkleNode> completed;
    frontier.Append(leaf, &completed);
    for (const MerkleNode& n : completed) tile.Add(n);  // nodes outside the tile are ignored
    if (i == 300) {
      EXPECT_EQ(tile.width(), 45u);
      StatusOr<BottomTile> partial = BottomTile::Decode(1, tile.Encode());
      ASSERT_TRUE(partial.ok());
      EXPECT_EQ(partial->levels, tile.levels);
      EXPECT_EQ(partial->Find(0, 301), nullptr);  // not yet
    }
  }
  ASSERT_TRUE(tile.full());
  StatusOr<BottomTile> read = BottomTile::Decode(1, tile.Encode());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(tile.Encode().size(), 2u + 32 * 510);
  for (int level = 0; level < kUpperLevel; ++level) {
    uint64_t first = 256 >> level, count = 256 >> level;
    for (uint64_t i = first; i < first + count; ++i) {
      const MerkleHash* h = read->Find(level, i);
      ASSERT_NE(h, nullptr) << level << "/" << i;
      EXPECT_EQ(*h, tree.RangeRoot(i << level, uint64_t{1} << level));
    }
    EXPECT_EQ(read->Find(level, first - 1), nullptr);
    EXPECT_EQ(read->Find(level, first + count), nullptr);
  }
  EXPECT_EQ(read->Find(kUpperLevel, 1), nullptr);
  std::string bytes = tile.Encode();
  EXPECT_FALSE(BottomTile::Decode(1, bytes.substr(0, bytes.size() - 1)).ok());
  EXPECT_FALSE(BottomTile::Decode(1, "").ok());
  EXPECT_FALSE(BottomTile::Decode(1, std::string("\x01\x01", 2)).ok());  // width 257
}

}  // namespace
}  // namespace wit
