// Signed and cosigned notes and checkpoints, as a witness or wit-audit reads them from a server or
// a file: OpenNote answers a text or InvalidArgument and never crashes, and a text it opens is the
// note's own first part; ParseCheckpointText reads back exactly what CheckpointText writes;
// standard base64 decodes only what it encodes.
#include <cstdint>
#include <memory>
#include <string>

#include "base/base64.h"
#include "ledger/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::unique_ptr<wit::NoteSigner> signer =
      std::move(*wit::NoteSigner::Make("wit-ledger", std::string(32, 'f')));
  static const std::string key = signer->VerifierKey();
  static const std::unique_ptr<wit::NoteSigner> cosigner = std::move(
      *wit::NoteSigner::Make("witness", std::string(32, 'w'), wit::NoteKeyType::kCosignatureV1));
  static const std::string cosigner_key = cosigner->VerifierKey();
  std::string input(reinterpret_cast<const char*>(data), size);

  wit::StatusOr<std::string> text = wit::OpenNote(input, key);
  if (text.ok() && input.compare(0, text->size(), *text) != 0) __builtin_trap();
  // As a note a witness cosigned (tlog-cosignature: a timestamp in the signature).
  uint64_t when = 0;
  text = wit::OpenNote(input, cosigner_key, &when);
  if (text.ok() && input.compare(0, text->size(), *text) != 0) __builtin_trap();
  // The input as a verifier key, too.
  (void)wit::OpenNote(signer->Sign("wit-ledger/log\n1\nAAAA\n"), input);

  wit::StatusOr<wit::Checkpoint> c = wit::ParseCheckpointText(input);
  if (c.ok()) {
    std::string again = wit::CheckpointText(*c);
    if (input.compare(0, again.size(), again) != 0) __builtin_trap();
  }

  wit::StatusOr<std::string> decoded = wit::Base64Decode(input);
  if (decoded.ok() && wit::Base64Encode(*decoded) != input) __builtin_trap();
  return 0;
}
