#include "audit-cli/prove_command.h"

#include <fstream>
#include <optional>

#include "audit-cli/audit_files.h"
#include "audit-cli/log_client.h"
#include "audit-cli/proof_bundle.h"
#include "base/base64.h"
#include "ledger/checkpoint.h"
#include "ledger/event_codec.h"
#include "ledger/merkle.h"

namespace wit {
namespace {

// Unopened reads a signed note's checkpoint without checking its signature: prove only picks
// one, verify-proof checks it.
std::optional<Checkpoint> Unopened(const std::string& note) {
  size_t split = note.rfind("\n\n");
  if (split == std::string::npos) return std::nullopt;
  StatusOr<Checkpoint> c = ParseCheckpointText(note.substr(0, split + 1));
  if (!c.ok()) return std::nullopt;
  return *c;
}

struct Found {
  std::string stream;
  uint64_t offset = 0;
  std::string record;
};

// FindEvent scans the log for the admitted record holding event `id`.
StatusOr<Found> FindEvent(AuditSource& source, const std::string& id) {
  std::optional<Found> found;
  Status s = source.Scan([&](const std::string& stream, uint64_t offset, std::string_view payload) {
    if (payload.find(id) == std::string_view::npos) return true;  // most records: no decode
    StatusOr<Event> e = DecodeEvent(payload);
    if (!e.ok() || e->event_id != id) return true;
    found = Found{stream, offset, std::string(payload)};
    return false;
  });
  if (!s.ok()) return s;
  if (!found) return Status::NotFound("the log holds no event " + id);
  return *found;
}

// PickCheckpoint returns the note of the checkpoint to prove `at` against.
StatusOr<std::string> PickCheckpoint(const ProveOptions& o, const Found& at) {
  if (o.checkpoint_files.empty()) {
    StatusOr<ServerAddress> server = ParseServerUrl(o.server);
    if (!server.ok()) return Status::InvalidArgument("--server: " + server.status().message());
    return LogClient(std::move(*server)).Checkpoint(at.stream);
  }
  std::optional<std::string> best;
  uint64_t best_size = 0;
  for (const std::string& file : o.checkpoint_files) {
    std::optional<std::string> note = ReadWholeFile(file);
    if (!note) return Status::NotFound("cannot read checkpoint " + file);
    std::optional<Checkpoint> c = Unopened(*note);
    if (!c || CheckpointStream(*c) != at.stream || c->size <= at.offset) continue;
    if (!best || c->size < best_size) {
      best = *note;
      best_size = c->size;
    }
  }
  if (!best) {
    return Status::FailedPrecondition("no checkpoint given covers record " +
                                      std::to_string(at.offset) + " of " + at.stream);
  }
  return *best;
}

}  // namespace

Status RunProve(AuditSource& source, const ProveOptions& options, AuditIo& io) {
  StatusOr<Found> at = FindEvent(source, options.event_id);
  if (!at.ok()) return at.status();
  StatusOr<std::string> note = PickCheckpoint(options, *at);
  if (!note.ok()) return note.status();
  std::optional<Checkpoint> c = Unopened(*note);
  if (!c || c->size <= at->offset) {
    return Status::FailedPrecondition("the checkpoint does not cover record " +
                                      std::to_string(at->offset) + " of " + at->stream);
  }
  // The stream's tree up to the checkpoint, from the log itself.
  MerkleTree tree;
  source.Rewind();
  Status s = source.Scan([&](const std::string& stream, uint64_t offset, std::string_view payload) {
    if (stream != at->stream || offset != tree.size()) return true;
    tree.Append(MerkleLeafHash(payload));
    return tree.size() < c->size;
  });
  if (!s.ok()) return s;
  if (tree.size() < c->size || tree.RootAt(c->size) != c->root) {
    return Status::FailedPrecondition(
        "the log's first " + std::to_string(c->size) + " records of " + at->stream +
        " are not those the checkpoint signs: " + "run wit-audit verify");
  }
  ProofBundle bundle;
  bundle.stream = at->stream;
  bundle.index = at->offset;
  bundle.size = c->size;
  bundle.record = at->record;
  bundle.hashes = *tree.InclusionProof(at->offset, c->size);
  bundle.checkpoint = *note;
  std::string encoded = EncodeProofBundle(bundle);
  if (options.out_file.empty()) {
    io.out << encoded;
    return Status::OK();
  }
  std::ofstream out(options.out_file, std::ios::binary | std::ios::trunc);
  out << encoded;
  out.flush();
  if (!out) return Status::Unavailable("cannot write " + options.out_file);
  io.err << "wit-audit: proof of record " << at->offset << " of " << at->stream
         << " in the tree of " << c->size << " records written to " << options.out_file << "\n";
  return Status::OK();
}

Status RunVerifyProof(const std::string& file, const std::string& public_key, AuditIo& io) {
  std::optional<std::string> text = ReadWholeFile(file);
  if (!text) return Status::NotFound("cannot read " + file);
  StatusOr<ProofBundle> bundle = ParseProofBundle(*text);
  if (!bundle.ok()) return Status::FailedPrecondition(file + ": " + bundle.status().message());
  StatusOr<Checkpoint> c = CheckProofBundle(*bundle, KeyOrKeyFile(public_key));
  if (!c.ok()) return Status::FailedPrecondition(file + ": NOT PROVEN: " + c.status().message());
  std::string key = KeyOrKeyFile(public_key);
  io.out << "OK: record " << bundle->index << " of " << bundle->stream << " is in the tree of "
         << c->size << " records, root " << MerkleHashBase64(c->root) << ", signed by "
         << key.substr(0, key.find('+')) << "\n";
  // An event's JSON holds no control character; anything else is shown as base64, so that a
  // forged record cannot write to the terminal.
  if (DecodeEvent(bundle->record).ok()) {
    io.out << bundle->record << "\n";
  } else {
    io.out << "(not an event; base64) " << Base64Encode(bundle->record) << "\n";
  }
  return Status::OK();
}

}  // namespace wit
