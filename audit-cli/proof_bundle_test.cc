#include "audit-cli/proof_bundle.h"

#include <gtest/gtest.h>

#include "audit-cli/log_client.h"
#include "base/base64.h"

namespace wit {
namespace {

// A bundle for record 2 of a tree of 5, signed by `signer`.
ProofBundle Bundle(const NoteSigner& signer) {
  MerkleTree tree;
  for (int i = 0; i < 5; ++i) tree.Append(MerkleLeafHash("record " + std::to_string(i)));
  Checkpoint c{"wit-ledger/log", 5, tree.RootAt(5)};
  ProofBundle b;
  b.stream = "log";
  b.index = 2;
  b.size = 5;
  b.record = "record 2";
  b.hashes = *tree.InclusionProof(2, 5);
  b.checkpoint = signer.Sign(CheckpointText(c));
  return b;
}

TEST(ProofBundleTest, ABundleReadsBackAndProvesItsRecordWithTheKeyOnly) {
  auto signer = NoteSigner::Make("wit-ledger", std::string(32, 'k'));
  ProofBundle b = Bundle(**signer);
  std::string json = EncodeProofBundle(b);
  EXPECT_EQ(json.rfind("{\"format\":\"wit-proof-bundle/v1\",\"stream\":\"log\",\"index\":2,", 0),
            0u)
      << json;
  StatusOr<ProofBundle> read = ParseProofBundle(json);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->record, "record 2");
  EXPECT_EQ(read->hashes, b.hashes);
  ASSERT_TRUE(CheckProofBundle(*read, (*signer)->VerifierKey()).ok());

  auto other = NoteSigner::Make("wit-ledger", std::string(32, 'o'));
  EXPECT_FALSE(CheckProofBundle(b, (*other)->VerifierKey()).ok());
  ProofBundle changed = b;
  changed.record = "record 3";
  EXPECT_FALSE(CheckProofBundle(changed, (*signer)->VerifierKey()).ok());
  ProofBundle moved = b;
  moved.index = 3;
  EXPECT_FALSE(CheckProofBundle(moved, (*signer)->VerifierKey()).ok());
  ProofBundle elsewhere = b;
  elsewhere.stream = "wit.usage/0";
  EXPECT_FALSE(CheckProofBundle(elsewhere, (*signer)->VerifierKey()).ok());
  ProofBundle resized = b;
  resized.size = 6;
  EXPECT_FALSE(CheckProofBundle(resized, (*signer)->VerifierKey()).ok());
}

TEST(ProofBundleTest, WhatIsNotABundleOrAProofIsRefused) {
  for (const char* bad :
       {"", "[]", "{}", R"({"format":"other"})",
        R"({"format":"wit-proof-bundle/v1","stream":"log","index":-1,"size":1,"record":"",)"
        R"("hashes":[],"checkpoint":""})",
        R"({"format":"wit-proof-bundle/v1","stream":"log","index":0,"size":1,"record":"!",)"
        R"("hashes":[],"checkpoint":""})",
        R"({"format":"wit-proof-bundle/v1","stream":"log","index":0,"size":1,"record":"",)"
        R"("hashes":["AAAA"],"checkpoint":""})"}) {
    EXPECT_FALSE(ParseProofBundle(bad).ok()) << bad;
  }
  std::string h = Base64Encode(std::string(32, 'h'));
  EXPECT_EQ(ParseProofAnswer("{\"hashes\":[\"" + h + "\",\"" + h + "\"]}")->size(), 2u);
  EXPECT_TRUE(ParseProofAnswer(R"({"hashes":[]})")->empty());
  EXPECT_FALSE(ParseProofAnswer(R"({"hashes":["AAAA"]})").ok());
  EXPECT_FALSE(ParseProofAnswer(R"({"hashes":"x"})").ok());
  std::string many = "{\"hashes\":[";
  for (int i = 0; i < 65; ++i) many += (i ? ",\"" : "\"") + h + "\"";
  EXPECT_FALSE(ParseProofAnswer(many + "]}").ok());
  StatusOr<std::vector<StreamNote>> notes =
      ParseCheckpointsAnswer(R"({"checkpoints":[{"stream":"log","size":1,"note":"n"}]})");
  ASSERT_TRUE(notes.ok());
  EXPECT_EQ((*notes)[0].stream, "log");
  EXPECT_TRUE(ParseCheckpointsAnswer(R"({"checkpoints":[]})")->empty());
  EXPECT_FALSE(ParseCheckpointsAnswer(R"({"checkpoints":[{"stream":"log"}]})").ok());
  EXPECT_FALSE(ParseCheckpointsAnswer(R"({"checkpoints":"x"})").ok());
}

}  // namespace
}  // namespace wit
