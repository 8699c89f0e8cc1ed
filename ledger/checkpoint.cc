#include "ledger/checkpoint.h"

#include <openssl/evp.h>

#include <cstring>
#include <optional>

#include "base/base64.h"
#include "base/coding.h"
#include "base/decimal.h"
#include "base/hex.h"
#include "base/utf8.h"

namespace wit {
namespace {

constexpr std::string_view kDash = "\xe2\x80\x94 ";  // "— ", U+2014 and a space
constexpr size_t kMaxNote = 1 << 20;
constexpr int kMaxSignatures = 100;

uint32_t KeyId(std::string_view name, NoteKeyType type, std::string_view public_key) {
  std::string input(name);
  input.push_back('\n');
  input.push_back(static_cast<char>(type));
  input.append(public_key);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), digest, &len, EVP_sha256(), nullptr);
  return DecodeFixed32(std::string_view(reinterpret_cast<const char*>(digest), 4));
}

bool ValidName(std::string_view name) {
  if (name.empty() || !IsValidUtf8(name)) return false;
  for (unsigned char c : name) {
    if (c == '+' || c <= ' ') return false;
  }
  return true;
}

// CosignedMessage is what a cosignature/v1 signs: a header, the time, then the note's text.
std::string CosignedMessage(std::string_view text, uint64_t timestamp) {
  return "cosignature/v1\ntime " + std::to_string(timestamp) + "\n" + std::string(text);
}

std::string Line(std::string_view* text) {
  size_t nl = text->find('\n');
  std::string line(text->substr(0, nl));
  text->remove_prefix(nl == std::string_view::npos ? text->size() : nl + 1);
  return line;
}

}  // namespace

std::string CheckpointText(const Checkpoint& c) {
  std::string_view root(reinterpret_cast<const char*>(c.root.data()), c.root.size());
  return c.origin + "\n" + std::to_string(c.size) + "\n" + Base64Encode(root) + "\n";
}

std::string CheckpointStream(const Checkpoint& c) {
  size_t slash = c.origin.find('/');
  return slash == std::string::npos ? "" : c.origin.substr(slash + 1);
}

StatusOr<Checkpoint> ParseCheckpointText(std::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return Status::InvalidArgument("a checkpoint ends with a newline");
  }
  Checkpoint c;
  c.origin = Line(&text);
  std::string size = Line(&text);
  std::string root = Line(&text);
  if (c.origin.empty() || !IsValidUtf8(c.origin)) {
    return Status::InvalidArgument("a checkpoint's first line is its origin");
  }
  std::optional<uint64_t> n = ParseDecimal(size);
  if (!n) return Status::InvalidArgument("a checkpoint's second line is its size in decimal");
  c.size = *n;
  StatusOr<std::string> hash = Base64Decode(root);
  if (!hash.ok() || hash->size() != c.root.size()) {
    return Status::InvalidArgument("a checkpoint's third line is a SHA-256 root in base64");
  }
  std::memcpy(c.root.data(), hash->data(), c.root.size());
  return c;
}

StatusOr<std::unique_ptr<NoteSigner>> NoteSigner::Make(std::string name, std::string_view seed,
                                                       NoteKeyType type) {
  if (!ValidName(name)) {
    return Status::InvalidArgument("a note key's name is not empty and holds no '+' or space");
  }
  if (seed.size() < 32) return Status::InvalidArgument("an Ed25519 seed is 32 bytes");
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed.data()), 32);
  if (!key) return Status::Internal("cannot make an Ed25519 key");
  std::string public_key(32, '\0');
  size_t len = public_key.size();
  EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(public_key.data()), &len);
  return std::unique_ptr<NoteSigner>(new NoteSigner(std::move(name), key, public_key, type));
}

NoteSigner::NoteSigner(std::string name, void* key, std::string public_key, NoteKeyType type)
    : name_(std::move(name)),
      type_(type),
      key_(key),
      public_key_(std::move(public_key)),
      key_id_(KeyId(name_, type_, public_key_)) {}

NoteSigner::~NoteSigner() { EVP_PKEY_free(static_cast<EVP_PKEY*>(key_)); }

std::string NoteSigner::Signature(std::string_view message) const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  unsigned char signature[64];
  size_t len = sizeof signature;
  EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, static_cast<EVP_PKEY*>(key_));
  EVP_DigestSign(ctx.get(), signature, &len, reinterpret_cast<const unsigned char*>(message.data()),
                 message.size());
  return std::string(reinterpret_cast<const char*>(signature), len);
}

std::string NoteSigner::Sign(std::string_view text) const {
  std::string blob = EncodeFixed32(key_id_) + Signature(text);
  return std::string(text) + "\n" + std::string(kDash) + name_ + " " + Base64Encode(blob) + "\n";
}

std::string NoteSigner::CosignatureLine(std::string_view text, uint64_t timestamp) const {
  std::string blob = EncodeFixed32(key_id_) + EncodeFixed64(timestamp) +
                     Signature(CosignedMessage(text, timestamp));
  return std::string(kDash) + name_ + " " + Base64Encode(blob) + "\n";
}

std::string NoteSigner::VerifierKey() const {
  std::string blob(1, static_cast<char>(type_));
  blob += public_key_;
  return name_ + "+" + HexEncode(EncodeFixed32(key_id_)) + "+" + Base64Encode(blob);
}

namespace {

// VerifierKey is a parsed `name+hash+base64(0x01||key)`.
struct VerifierKey {
  std::string name;
  NoteKeyType type = NoteKeyType::kEd25519;
  std::string public_key;  // the 32 bytes of the Ed25519 key
  uint32_t key_id = 0;
};

StatusOr<VerifierKey> ParseVerifierKey(std::string_view text) {
  size_t plus1 = text.find('+');
  size_t plus2 = plus1 == std::string_view::npos ? plus1 : text.find('+', plus1 + 1);
  if (plus2 == std::string_view::npos) {
    return Status::InvalidArgument("a verifier key is name+hash+key");
  }
  VerifierKey key;
  key.name = std::string(text.substr(0, plus1));
  std::optional<std::string> hash = HexDecode(text.substr(plus1 + 1, plus2 - plus1 - 1));
  StatusOr<std::string> blob = Base64Decode(text.substr(plus2 + 1));
  uint8_t type = blob.ok() && !blob->empty() ? static_cast<uint8_t>((*blob)[0]) : 0;
  if (!ValidName(key.name) || !hash || hash->size() != 4 || !blob.ok() || blob->size() != 33 ||
      (type != static_cast<uint8_t>(NoteKeyType::kEd25519) &&
       type != static_cast<uint8_t>(NoteKeyType::kCosignatureV1))) {
    return Status::InvalidArgument(
        "not an Ed25519 verifier key (name+hash+base64(0x01||key), or 0x04 for a cosigner)");
  }
  key.type = static_cast<NoteKeyType>(type);
  key.public_key = blob->substr(1);
  key.key_id = KeyId(key.name, key.type, key.public_key);
  if (key.key_id != DecodeFixed32(*hash)) {
    return Status::InvalidArgument("the verifier key's hash does not match its name and key");
  }
  return key;
}

// VerifySignature checks one signature blob (after its key ID) of `text` by `key`.
bool VerifySignature(EVP_PKEY* key, NoteKeyType type, std::string_view text, std::string_view blob,
                     uint64_t* timestamp) {
  std::string message(text);
  std::string_view signature = blob.substr(4);
  uint64_t t = 0;
  if (type == NoteKeyType::kCosignatureV1) {
    if (blob.size() != 4 + 8 + 64) return false;
    t = DecodeFixed64(blob.substr(4, 8));
    if (t > static_cast<uint64_t>(INT64_MAX)) return false;
    message = CosignedMessage(text, t);
    signature = blob.substr(12);
  } else if (blob.size() != 4 + 64) {
    return false;
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  bool ok =
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  if (ok && timestamp && type == NoteKeyType::kCosignatureV1) *timestamp = t;
  return ok;
}

}  // namespace

StatusOr<std::string> OpenNote(std::string_view note, std::string_view verifier_key,
                               uint64_t* timestamp) {
  StatusOr<VerifierKey> parsed = ParseVerifierKey(verifier_key);
  if (!parsed.ok()) return parsed.status();
  const std::string& name = parsed->name;
  const std::string& public_key = parsed->public_key;
  uint32_t key_id = parsed->key_id;

  if (note.size() > kMaxNote) return Status::InvalidArgument("a note is at most 1 MiB");
  size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos || note.back() != '\n') {
    return Status::InvalidArgument("a note is text, a blank line, then signature lines");
  }
  std::string_view text = note.substr(0, split + 1);
  std::string_view signatures = note.substr(split + 2);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                  reinterpret_cast<const unsigned char*>(public_key.data()), 32),
      &EVP_PKEY_free);
  if (!key) return Status::InvalidArgument("not an Ed25519 public key");
  int lines = 0;
  bool verified = false;
  while (!signatures.empty()) {
    if (++lines > kMaxSignatures) return Status::InvalidArgument("a note has too many signatures");
    std::string line = Line(&signatures);
    if (line.compare(0, kDash.size(), kDash) != 0) {
      return Status::InvalidArgument("a signature line begins with an em dash and a space");
    }
    std::string_view rest = std::string_view(line).substr(kDash.size());
    size_t space = rest.find(' ');
    if (space == std::string_view::npos || !ValidName(rest.substr(0, space))) {
      return Status::InvalidArgument("a signature line is \"— name signature\"");
    }
    StatusOr<std::string> sig = Base64Decode(rest.substr(space + 1));
    if (!sig.ok() || sig->size() < 5) {
      return Status::InvalidArgument("a signature is base64 of a key ID and the signature");
    }
    if (rest.substr(0, space) != name || DecodeFixed32(*sig) != key_id) continue;
    if (VerifySignature(key.get(), parsed->type, text, *sig, timestamp)) verified = true;
  }
  if (!verified)
    return Status::InvalidArgument("the note has no valid signature by " + std::string(name));
  return std::string(text);
}

}  // namespace wit
