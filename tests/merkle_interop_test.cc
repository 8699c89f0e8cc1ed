// The ledger's Merkle tree against one that is not ours: transparency-dev/merkle, Certificate
// Transparency's Go implementation, from Go's module proxy (tests/merkle_reference). Its
// RFC 6962 vectors (the roots of its test inputs), its verifier and its own proofs must all
// agree with ours, for every root, inclusion proof and consistency proof of trees up to 64
// leaves.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/hex.h"
#include "ledger/merkle.h"
#include "tests/witd_process.h"

namespace wit::testing {
namespace {

constexpr uint64_t kLeaves = 64;

std::string Hex(const MerkleHash& h) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
}

std::string HexList(const std::vector<MerkleHash>& proof) {
  if (proof.empty()) return "-";
  std::string out;
  for (const MerkleHash& h : proof) out += (out.empty() ? "" : ",") + Hex(h);
  return out;
}

TEST(MerkleInteropTest, OurRootsAndProofsAreTransparencyDevsAndRfc6962s) {
  std::string dir = MakeTempDir("merkle-interop");
  std::string tool = dir + "/merkle_reference";
  // The module and Go's build cache live in the build dir, so a second run builds nothing.
  CommandResult build = RunCommand(
      "cd " WIT_SOURCE_DIR
      "/tests/merkle_reference && GOTOOLCHAIN=local GOFLAGS=-modcacherw "
      "GOMODCACHE=" WIT_BIN_DIR "/../go/mod GOCACHE=" WIT_BIN_DIR "/../go/cache go build -o " +
      tool + " .");
  ASSERT_EQ(build.exit_code, 0) << "cannot build the reference (scripts/install-deps.sh installs "
                                   "Go): "
                                << build.err;
  CommandResult leaves = RunCommand(tool + " leaves " + std::to_string(kLeaves));
  ASSERT_EQ(leaves.exit_code, 0) << leaves.err;
  MerkleTree tree;
  std::istringstream lines(leaves.out);
  for (std::string line; std::getline(lines, line);) {
    std::optional<std::string> leaf = HexDecode(line);
    ASSERT_TRUE(leaf.has_value()) << line;
    tree.Append(MerkleLeafHash(*leaf));
  }
  ASSERT_EQ(tree.size(), kLeaves);

  std::ofstream out(dir + "/ours");
  for (uint64_t n = 0; n <= kLeaves; ++n) {
    out << "root " << n << " " << Hex(tree.RootAt(n)) << "\n";
    for (uint64_t i = 0; i < n; ++i) {
      out << "inclusion " << i << " " << n << " " << HexList(*tree.InclusionProof(i, n)) << "\n";
    }
    for (uint64_t m = 0; m <= n; ++m) {
      out << "consistency " << m << " " << n << " " << HexList(*tree.ConsistencyProof(m, n))
          << "\n";
    }
  }
  out.close();
  CommandResult check = RunCommand(tool + " check " + dir + "/ours " + std::to_string(kLeaves));
  EXPECT_EQ(check.exit_code, 0) << check.err;
  // 65 roots, 9 of them RFC 6962's; n(n+1)/2 inclusion proofs; (n+1)(n+2)/2 consistency ones.
  EXPECT_EQ(check.out,
            "ok: 65 roots (9 of them RFC 6962 vectors), 2080 inclusion proofs, 2145 consistency "
            "proofs\n");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wit::testing
