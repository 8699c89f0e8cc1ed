#ifndef WIT_LEDGER_CHECKPOINT_H_
#define WIT_LEDGER_CHECKPOINT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "ledger/merkle.h"

namespace wit {

// A checkpoint says what a stream's Merkle tree was at one size, in C2SP's tlog-checkpoint
// text: three lines, the origin, the size in decimal and the root in standard base64.
//
//   wit-ledger/log
//   1043
//   3xKeyp6FoSUHjmeZ3IWnD1A2JDL/j40hfwzk2uTCOFI=
struct Checkpoint {
  std::string origin;  // "<log origin>/<stream>"
  uint64_t size = 0;
  MerkleHash root{};
};

std::string CheckpointText(const Checkpoint& c);

// CheckpointStream is the stream a checkpoint's origin names: what follows the log's name and
// its "/" (a log's name holds none). "" when the origin has no "/".
//
//   CheckpointStream({"wit-ledger/wit.usage/0", ...}) == "wit.usage/0"
std::string CheckpointStream(const Checkpoint& c);

// ParseCheckpointText reads CheckpointText's form; extension lines after the root are allowed
// and ignored, as the format says. Anything else is InvalidArgument.
StatusOr<Checkpoint> ParseCheckpointText(std::string_view text);

// NoteSigner signs notes in C2SP's signed-note format with an Ed25519 key:
//
//   <text, ending in a newline>
//   <blank line>
//   — <name> base64(key ID || signature)
//
// where key ID = SHA-256(name || 0x0A || 0x01 || public key)[:4], big-endian. Thread-safe.
//
// A cosigner's key (C2SP tlog-cosignature, Ed25519 "cosignature/v1") signs another way: key ID
// = SHA-256(name || 0x0A || 0x04 || public key)[:4], and the signature covers
//   "cosignature/v1\ntime <timestamp>\n" || the note's text
// and is base64(key ID || timestamp, 8 bytes big-endian || signature).
enum class NoteKeyType : uint8_t {
  kEd25519 = 0x01,        // a log's key: signs notes
  kCosignatureV1 = 0x04,  // a witness's key: cosigns checkpoints
};

class NoteSigner {
 public:
  // Make signs as `name` with the Ed25519 private key whose 32-byte seed is `seed`.
  // InvalidArgument for a name that is empty or holds "+" or a space, or a short seed.
  static StatusOr<std::unique_ptr<NoteSigner>> Make(std::string name, std::string_view seed,
                                                    NoteKeyType type = NoteKeyType::kEd25519);
  ~NoteSigner();
  NoteSigner(const NoteSigner&) = delete;
  NoteSigner& operator=(const NoteSigner&) = delete;

  // Sign returns `text` (which must end in a newline) as a signed note. REQUIRES: a kEd25519
  // key.
  std::string Sign(std::string_view text) const;

  // CosignatureLine is the cosignature of the note text `text` made at `timestamp` (seconds
  // since the epoch), as a signature line to append to the note (ending in a newline).
  // REQUIRES: a kCosignatureV1 key.
  std::string CosignatureLine(std::string_view text, uint64_t timestamp) const;

  // VerifierKey is the public key in the note ecosystem's form:
  // <name>+<key ID, 8 hex digits>+base64(type || public key).
  std::string VerifierKey() const;

  const std::string& name() const { return name_; }

 private:
  NoteSigner(std::string name, void* key, std::string public_key, NoteKeyType type);
  std::string Signature(std::string_view message) const;  // the 64 bytes of Ed25519's

  std::string name_;
  NoteKeyType type_;
  void* key_;  // EVP_PKEY*, owned
  std::string public_key_;
  uint32_t key_id_;
};

// OpenNote checks that `note` carries a valid signature by the key `verifier_key` (the
// VerifierKey form; a cosigner's key checks its cosignature) and returns its text. Signatures
// by other keys are ignored. A note that is malformed, larger than 1 MiB or with more than 100
// signatures, a verifier key that is not one, or no valid signature by it is InvalidArgument
// saying which. With `timestamp`, a cosignature's time is stored there.
StatusOr<std::string> OpenNote(std::string_view note, std::string_view verifier_key,
                               uint64_t* timestamp = nullptr);

}  // namespace wit

#endif  // WIT_LEDGER_CHECKPOINT_H_
