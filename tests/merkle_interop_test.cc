// The ledger's transparency-log formats against implementations that are not ours, built from
// Go's module proxy (tests/tlog_reference): the Merkle tree against transparency-dev/merkle,
// Certificate Transparency's (its RFC 6962 vectors, its verifier and its own proofs, for every
// root, inclusion proof and consistency proof of trees up to 64 leaves), and witd's signed
// checkpoints against Go's checksum database note package.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/hex.h"
#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "tests/support/eventually.h"
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

// BuildReference builds tests/tlog_reference into `dir` and returns its path ("" on failure,
// with the test failed). The modules and Go's build cache live in the build dir, so a second
// run builds nothing.
std::string BuildReference(const std::string& dir) {
  std::string tool = dir + "/tlog_reference";
  CommandResult build = RunCommand("cd " WIT_SOURCE_DIR
                                   "/tests/tlog_reference && GOTOOLCHAIN=local GOFLAGS=-modcacherw "
                                   "GOMODCACHE=" WIT_BIN_DIR "/../go/mod GOCACHE=" WIT_BIN_DIR
                                   "/../go/cache go build -o " +
                                   tool + " .");
  EXPECT_EQ(build.exit_code, 0) << "cannot build the reference (scripts/install-deps.sh "
                                   "installs Go): "
                                << build.err;
  return build.exit_code == 0 ? tool : "";
}

TEST(MerkleInteropTest, OurRootsAndProofsAreTransparencyDevsAndRfc6962s) {
  std::string dir = MakeTempDir("merkle-interop");
  std::string tool = BuildReference(dir);
  ASSERT_FALSE(tool.empty());
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

TEST(MerkleInteropTest, WitdsCheckpointsVerifyWithGosNotePackageAndMatchTheLog) {
  std::string dir = MakeTempDir("checkpoint-interop");
  std::string tool = BuildReference(dir);
  ASSERT_FALSE(tool.empty());
  std::string data = dir + "/data";
  std::string note;
  {
    WitdProcess witd(data);
    ASSERT_TRUE(witd.Start());
    std::string alice = witd.UserSession("alice");
    for (int i = 0; i < 3; ++i) {
      ASSERT_EQ(Http(witd.port(), "POST", "/api/tokens", R"({"name":"t"})", alice).status, 201);
    }
    // Public: no session. Signed within a second of the tree's growth.
    ASSERT_TRUE(Eventually([&] {
      HttpResponse r = Http(witd.port(), "GET", "/api/log/checkpoint?stream=log");
      note = r.body;
      return r.status == 200 && r.body.find("\n3\n") != std::string::npos;
    })) << note;
    ASSERT_EQ(witd.Stop(), 0);
  }
  CommandResult key = RunCommand(BinDir() + "/witd log public-key --data-dir " + data);
  ASSERT_EQ(key.exit_code, 0) << key.err;
  std::string vkey = key.out.substr(0, key.out.find('\n'));
  ASSERT_EQ(vkey.rfind("wit-ledger+", 0), 0u) << vkey;
  std::ofstream(dir + "/note") << note;
  CommandResult opened = RunCommand(tool + " note " + vkey + " " + dir + "/note");
  ASSERT_EQ(opened.exit_code, 0) << opened.err;
  StatusOr<Checkpoint> c = ParseCheckpointText(opened.out);
  ASSERT_TRUE(c.ok()) << opened.out;
  EXPECT_EQ(c->origin, "wit-ledger/log");
  EXPECT_EQ(c->size, 3u);
  // The root is that of the records in the log, as stored.
  MerkleTree tree;
  for (const std::string& payload : ReadEmbeddedLog(data)) tree.Append(MerkleLeafHash(payload));
  ASSERT_EQ(tree.size(), 3u);
  EXPECT_EQ(c->root, tree.RootAt(3));
  // Another key does not verify it.
  std::string other =
      RunCommand(BinDir() + "/witd log public-key --log-signing-key " + dir + "/other.key").out;
  other = other.substr(0, other.find('\n'));
  EXPECT_NE(RunCommand(tool + " note " + other + " " + dir + "/note").exit_code, 0);
  std::filesystem::remove_all(dir);
}

// The witness's cosignature (C2SP tlog-cosignature, cosignature/v1) checked by code written
// from the spec over Go's crypto/ed25519 and the note package, and the log's own signature on
// the same note by the note package.
TEST(MerkleInteropTest, TheWitnesssCosignatureVerifiesWithGosEd25519) {
  std::string dir = MakeTempDir("cosig-interop");
  std::string tool = BuildReference(dir);
  ASSERT_FALSE(tool.empty());
  WitdProcess witd(dir + "/data");
  ASSERT_TRUE(witd.Start());
  ASSERT_EQ(
      Http(witd.port(), "POST", "/api/tokens", R"({"name":"t"})", witd.UserSession("alice")).status,
      201);
  ASSERT_TRUE(Eventually([&] {
    return Http(witd.port(), "GET", "/api/log/checkpoint?stream=log").body.find("\n1\n") !=
           std::string::npos;
  }));
  ASSERT_EQ(RunCommand(BinDir() + "/witd log public-key --data-dir " + dir + "/data > " + dir +
                       "/log.pub")
                .exit_code,
            0);
  CommandResult witnessed =
      RunCommand(BinDir() + "/wit-audit witness --server " + witd.url() + " --state " + dir +
                 "/state --public-key " + dir + "/log.pub --name witness.example/w1");
  ASSERT_EQ(witnessed.exit_code, 0) << witnessed.out << witnessed.err;
  std::string held = dir + "/state/checkpoints/log";
  std::string wkey = RunCommand("head -1 " + dir + "/state/witness.pub").out;
  wkey.pop_back();
  ASSERT_EQ(wkey.rfind("witness.example/w1+", 0), 0u) << wkey;
  CommandResult cosig = RunCommand(tool + " cosig " + wkey + " " + held);
  ASSERT_EQ(cosig.exit_code, 0) << cosig.err;
  EXPECT_EQ(cosig.out.rfind("time ", 0), 0u) << cosig.out;
  EXPECT_NE(cosig.out.find("\nwit-ledger/log\n1\n"), std::string::npos) << cosig.out;
  std::string lkey = RunCommand("head -1 " + dir + "/log.pub").out;
  lkey.pop_back();
  EXPECT_EQ(RunCommand(tool + " note " + lkey + " " + held).exit_code, 0);
  // The log's key is no cosigner's key, nor is the witness's key a log's.
  EXPECT_NE(RunCommand(tool + " cosig " + lkey + " " + held).exit_code, 0);
  EXPECT_NE(RunCommand(tool + " note " + wkey + " " + held).exit_code, 0);
  ASSERT_EQ(witd.Stop(), 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wit::testing
