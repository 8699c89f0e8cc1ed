#include "ledger/checkpoint.h"

#include <gtest/gtest.h>

#include <vector>

#include "base/base64.h"

namespace wit {
namespace {

const std::string kSeed(32, '\x07');

Checkpoint Sample() {
  Checkpoint c;
  c.origin = "wit-ledger/log";
  c.size = 1043;
  for (size_t i = 0; i < c.root.size(); ++i) c.root[i] = static_cast<uint8_t>(i);
  return c;
}

TEST(CheckpointTest, TextIsC2spsThreeLinesAndReadsBack) {
  Checkpoint c = Sample();
  std::string text = CheckpointText(c);
  EXPECT_EQ(text, "wit-ledger/log\n1043\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
  StatusOr<Checkpoint> back = ParseCheckpointText(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->origin, c.origin);
  EXPECT_EQ(back->size, c.size);
  EXPECT_EQ(back->root, c.root);
  // Extension lines are allowed after the root.
  EXPECT_TRUE(ParseCheckpointText(text + "ext line\n").ok());
}

TEST(CheckpointTest, ATextThatIsNotACheckpointIsRefused) {
  std::string root = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  const std::vector<std::string> bad_texts = {
      "",
      "o\n1\n" + root,
      "\n1\n" + root + "\n",
      "o\n01\n" + root + "\n",
      "o\n-1\n" + root + "\n",
      "o\n1x\n" + root + "\n",
      "o\n\n" + root + "\n",
      "o\n1\nAAEC\n",
      "o\n1\n" + root.substr(1) + "\n",
      "o\n18446744073709551616\n" + root + "\n",
  };
  for (const std::string& bad : bad_texts) {
    EXPECT_FALSE(ParseCheckpointText(bad).ok()) << bad;
  }
}

TEST(CheckpointTest, ASignedNoteOpensWithItsKeyOnly) {
  auto signer = NoteSigner::Make("wit-ledger", kSeed);
  ASSERT_TRUE(signer.ok());
  std::string text = CheckpointText(Sample());
  std::string note = (*signer)->Sign(text);
  // The text, a blank line, and one signature line: "— name base64(4-byte key ID, 64-byte sig)".
  ASSERT_EQ(note.compare(0, text.size() + 1, text + "\n"), 0);
  std::string line = note.substr(text.size() + 1);
  ASSERT_EQ(line.rfind("\xe2\x80\x94 wit-ledger ", 0), 0u) << line;
  EXPECT_EQ(
      Base64Decode(line.substr(line.find(' ', 4) + 1, line.size() - line.find(' ', 4) - 2))->size(),
      68u);
  std::string vkey = (*signer)->VerifierKey();
  ASSERT_EQ(vkey.rfind("wit-ledger+", 0), 0u);
  StatusOr<std::string> opened = OpenNote(note, vkey);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, text);
  // Another key of the same name does not open it, nor does a changed text or signature.
  auto other = NoteSigner::Make("wit-ledger", std::string(32, '\x08'));
  EXPECT_FALSE(OpenNote(note, (*other)->VerifierKey()).ok());
  std::string changed = note;
  changed[text.find("1043")] = '2';
  EXPECT_FALSE(OpenNote(changed, vkey).ok());
  std::string bad_sig = note;
  bad_sig[bad_sig.size() - 5] = bad_sig[bad_sig.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(OpenNote(bad_sig, vkey).ok());
  // Signatures by other keys are ignored; one good signature suffices.
  std::string cosigned = note + (*other)->Sign(text).substr(text.size() + 1);
  EXPECT_TRUE(OpenNote(cosigned, vkey).ok());
  EXPECT_TRUE(OpenNote(cosigned, (*other)->VerifierKey()).ok());
}

TEST(CheckpointTest, ACosignatureCoversTheTimeAndTheTextAndOpensWithTheWitnessKeyOnly) {
  auto log = NoteSigner::Make("wit-ledger", kSeed);
  auto witness =
      NoteSigner::Make("witness.example/w1", std::string(32, '\x09'), NoteKeyType::kCosignatureV1);
  ASSERT_TRUE(log.ok() && witness.ok());
  std::string text = CheckpointText(Sample());
  std::string line = (*witness)->CosignatureLine(text, 1679315147);
  std::string cosigned = (*log)->Sign(text) + line;
  // "— name base64(4-byte key ID, 8-byte time, 64-byte signature)"
  ASSERT_EQ(line.rfind("\xe2\x80\x94 witness.example/w1 ", 0), 0u);
  std::string blob =
      *Base64Decode(line.substr(line.find(' ', 4) + 1, line.size() - line.find(' ', 4) - 2));
  ASSERT_EQ(blob.size(), 76u);
  EXPECT_EQ(blob.substr(4, 8), std::string("\0\0\0\0\x64\x18\x50\xcb", 8));  // 1679315147
  std::string vkey = (*witness)->VerifierKey();
  EXPECT_EQ(Base64Decode(vkey.substr(vkey.rfind('+') + 1))->at(0), '\x04');
  uint64_t when = 0;
  StatusOr<std::string> opened = OpenNote(cosigned, vkey, &when);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, text);
  EXPECT_EQ(when, 1679315147u);
  EXPECT_TRUE(OpenNote(cosigned, (*log)->VerifierKey()).ok());
  // The same key as a log key (type 0x01) has another key ID: it opens nothing cosigned.
  auto same_seed = NoteSigner::Make("witness.example/w1", std::string(32, '\x09'));
  EXPECT_FALSE(OpenNote(cosigned, (*same_seed)->VerifierKey()).ok());
  EXPECT_FALSE(OpenNote((*log)->Sign(text), vkey).ok());
  // Another time in the line than the one signed fails.
  std::string moved = blob;
  moved[11] ^= 1;
  std::string forged =
      (*log)->Sign(text) + line.substr(0, line.find(' ', 4) + 1) + Base64Encode(moved) + "\n";
  EXPECT_FALSE(OpenNote(forged, vkey).ok());
}

TEST(CheckpointTest, MalformedNotesAndKeysAreRefused) {
  auto signer = NoteSigner::Make("wit-ledger", kSeed);
  std::string vkey = (*signer)->VerifierKey();
  std::string note = (*signer)->Sign("a\n");
  for (const std::string& bad :
       {std::string(""), std::string("a\n"), std::string("a\n\n"), note.substr(0, note.size() - 1),
        note + "junk\n", std::string("a\n\n- wit-ledger AAAA\n")}) {
    EXPECT_FALSE(OpenNote(bad, vkey).ok()) << bad;
  }
  for (const std::string& key :
       {std::string(""), std::string("wit-ledger"), vkey.substr(0, vkey.size() - 4),
        "other" + vkey.substr(vkey.find('+')),
        vkey.substr(0, vkey.find('+') + 1) + "00000000" + vkey.substr(vkey.rfind('+'))}) {
    EXPECT_FALSE(OpenNote(note, key).ok()) << key;
  }
  EXPECT_FALSE(NoteSigner::Make("", kSeed).ok());
  EXPECT_FALSE(NoteSigner::Make("a+b", kSeed).ok());
  EXPECT_FALSE(NoteSigner::Make("a b", kSeed).ok());
  EXPECT_FALSE(NoteSigner::Make("ok", "short").ok());
}

}  // namespace
}  // namespace wit
