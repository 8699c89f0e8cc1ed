#include "audit-cli/proof_bundle.h"

#include "base/base64.h"
#include "base/flat_json.h"
#include "base/json_writer.h"

namespace wit {
namespace {

constexpr char kFormat[] = "wit-proof-bundle/v1";
constexpr size_t kMaxBundle = 4 << 20;
constexpr size_t kMaxHashes = 64;

const FlatValue* Member(const FlatObject& o, const char* key, FlatValue::Type type) {
  const FlatValue* v = o.Find(key);
  return v && v->type == type ? v : nullptr;
}

// Count reads a non-negative integer member.
bool Count(const FlatObject& o, const char* key, uint64_t* out) {
  const FlatValue* v = Member(o, key, FlatValue::Type::kNumber);
  if (!v || !v->is_integer || v->integer < 0) return false;
  *out = static_cast<uint64_t>(v->integer);
  return true;
}

}  // namespace

std::string EncodeProofBundle(const ProofBundle& b) {
  JsonWriter w;
  w.BeginObject().Key("format").String(kFormat).Key("stream").String(b.stream);
  w.Key("index").Int(static_cast<int64_t>(b.index)).Key("size").Int(static_cast<int64_t>(b.size));
  w.Key("record").String(Base64Encode(b.record));
  w.Key("hashes").BeginArray();
  for (const MerkleHash& h : b.hashes) w.String(MerkleHashBase64(h));
  w.EndArray();
  w.Key("checkpoint").String(b.checkpoint).EndObject();
  return w.Take() + "\n";
}

StatusOr<ProofBundle> ParseProofBundle(std::string_view json) {
  if (json.size() > kMaxBundle) return Status::InvalidArgument("a proof bundle is at most 4 MiB");
  StatusOr<FlatObject> o = ParseFlatObject(json);
  if (!o.ok())
    return Status::InvalidArgument("the proof bundle is not JSON: " + o.status().message());
  const FlatValue* format = Member(*o, "format", FlatValue::Type::kString);
  if (!format || format->string != kFormat) {
    return Status::InvalidArgument(std::string("not a proof bundle (\"format\":\"") + kFormat +
                                   "\")");
  }
  ProofBundle b;
  const FlatValue* stream = Member(*o, "stream", FlatValue::Type::kString);
  const FlatValue* record = Member(*o, "record", FlatValue::Type::kString);
  const FlatValue* hashes = Member(*o, "hashes", FlatValue::Type::kStringArray);
  const FlatValue* checkpoint = Member(*o, "checkpoint", FlatValue::Type::kString);
  if (!stream || stream->string.empty() || !record || !hashes || !checkpoint ||
      !Count(*o, "index", &b.index) || !Count(*o, "size", &b.size)) {
    return Status::InvalidArgument(
        "a proof bundle holds stream, index, size, record, hashes and checkpoint");
  }
  b.stream = stream->string;
  b.checkpoint = checkpoint->string;
  StatusOr<std::string> payload = Base64Decode(record->string);
  if (!payload.ok()) return Status::InvalidArgument("the bundle's record is not standard base64");
  b.record = std::move(*payload);
  if (hashes->strings.size() > kMaxHashes) {
    return Status::InvalidArgument("an inclusion proof holds at most 64 hashes");
  }
  for (const std::string& text : hashes->strings) {
    StatusOr<MerkleHash> h = MerkleHashFromBase64(text);
    if (!h.ok()) return Status::InvalidArgument("a proof's hash is 32 bytes in standard base64");
    b.hashes.push_back(*h);
  }
  return b;
}

StatusOr<Checkpoint> CheckProofBundle(const ProofBundle& b, std::string_view verifier_key) {
  StatusOr<std::string> text = OpenNote(b.checkpoint, verifier_key);
  if (!text.ok()) return Status::InvalidArgument("the checkpoint: " + text.status().message());
  StatusOr<Checkpoint> c = ParseCheckpointText(*text);
  if (!c.ok()) return Status::InvalidArgument("the checkpoint: " + c.status().message());
  if (CheckpointStream(*c) != b.stream) {
    return Status::InvalidArgument("the checkpoint is of " + c->origin + ", not of stream " +
                                   b.stream);
  }
  if (c->size != b.size) {
    return Status::InvalidArgument("the checkpoint is of " + std::to_string(c->size) +
                                   " records, the proof of " + std::to_string(b.size));
  }
  if (!VerifyInclusion(b.index, b.size, MerkleLeafHash(b.record), b.hashes, c->root)) {
    return Status::InvalidArgument("the record is not record " + std::to_string(b.index) +
                                   " of the signed tree: the proof does not hold");
  }
  return c;
}

}  // namespace wit
