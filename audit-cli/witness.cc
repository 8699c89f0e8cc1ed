#include "audit-cli/witness.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "audit-cli/audit_files.h"
#include "base/secret_file.h"
#include "base/time_util.h"
#include "ledger/merkle.h"

namespace wit {
namespace {

namespace fs = std::filesystem;

// WriteAtomically replaces `path` with `text`: written beside it, then renamed over it, so a
// crash leaves the old file or the new one, never half of one.
Status WriteAtomically(const fs::path& path, const std::string& text) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return Status::Unavailable("cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return Status::Unavailable("cannot write " + path.string() + ": " + ec.message());
  return Status::OK();
}

// FileName is a stream's name as a file name: "/" and "%" escaped.
std::string FileName(const std::string& stream) {
  std::string out;
  for (char c : stream) {
    if (c == '/') {
      out += "%2F";
    } else if (c == '%') {
      out += "%25";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Sizes(uint64_t held, uint64_t offered) {
  return "held size " + std::to_string(held) + ", offered size " + std::to_string(offered);
}

}  // namespace

StatusOr<std::unique_ptr<Witness>> Witness::Open(const WitnessOptions& options) {
  StatusOr<ServerAddress> server = ParseServerUrl(options.server);
  if (!server.ok()) return Status::InvalidArgument("--server: " + server.status().message());
  fs::path dir(options.state_dir);
  bool readable = false;
  if (Status s = CreatePrivateDir(dir.string(), &readable); !s.ok()) return s;
  std::error_code ec;
  fs::create_directories(dir / "checkpoints", ec);
  fs::create_directories(dir / "evidence", ec);

  std::string given = options.public_key.empty() ? "" : KeyOrKeyFile(options.public_key);
  std::optional<std::string> kept = ReadWholeFile((dir / "log.pub").string());
  std::string log_key = kept ? KeyOrKeyFile((dir / "log.pub").string()) : given;
  if (log_key.empty()) {
    return Status::InvalidArgument(
        "the first run needs the log's key: --public-key K|FILE "
        "(witd log public-key)");
  }
  if (kept && !given.empty() && given != log_key) {
    return Status::InvalidArgument("--public-key is not the log key this witness holds (" +
                                   (dir / "log.pub").string() + "): a witness follows one log");
  }
  if (!kept) {
    if (Status s = WriteAtomically(dir / "log.pub", log_key + "\n"); !s.ok()) return s;
  }
  StatusOr<std::string> seed = LoadOrCreateSecret((dir / "witness.key").string(), "witness key");
  if (!seed.ok()) return seed.status();
  StatusOr<std::unique_ptr<NoteSigner>> signer =
      NoteSigner::Make(options.name, *seed, NoteKeyType::kCosignatureV1);
  if (!signer.ok()) return Status::InvalidArgument("--name: " + signer.status().message());
  std::string vkey = (*signer)->VerifierKey();
  if (Status s = WriteAtomically(dir / "witness.pub", vkey + "\n"); !s.ok()) return s;
  return std::unique_ptr<Witness>(
      new Witness(options, std::move(*server), log_key, std::move(*signer)));
}

Witness::Witness(WitnessOptions options, ServerAddress server, std::string log_key,
                 std::unique_ptr<NoteSigner> signer)
    : options_(std::move(options)),
      log_key_(std::move(log_key)),
      signer_(std::move(signer)),
      witness_key_(signer_->VerifierKey()),
      client_(std::move(server)) {}

Witness::Verdict Witness::Check(const StreamNote& offered) {
  const std::string& stream = offered.stream;
  Verdict v;
  StatusOr<std::string> text = OpenNote(offered.note, log_key_);
  StatusOr<Checkpoint> c =
      text.ok() ? ParseCheckpointText(*text) : StatusOr<Checkpoint>(text.status());
  if (!c.ok()) {
    v.alarm = "its checkpoint does not verify with the log's key: " + c.status().message();
    return v;
  }
  if (CheckpointStream(*c) != stream) {
    v.alarm = "its checkpoint's origin " + c->origin + " names another stream";
    return v;
  }
  fs::path held_path = fs::path(options_.state_dir) / "checkpoints" / FileName(stream);
  std::optional<std::string> held_note = ReadWholeFile(held_path.string());
  if (!held_note) {
    v.text = *text;
    v.line = stream + ": size " + std::to_string(c->size) + ": held (the first seen), cosigned";
    return v;
  }
  StatusOr<std::string> held_text = OpenNote(*held_note, log_key_);
  StatusOr<Checkpoint> held =
      held_text.ok() ? ParseCheckpointText(*held_text) : StatusOr<Checkpoint>(held_text.status());
  if (!held.ok()) {
    v.alarm = "the held checkpoint " + held_path.string() + " does not verify";
  } else if (c->size < held->size) {
    v.alarm = "the tree shrank: " + Sizes(held->size, c->size);
  } else if (c->size == held->size) {
    if (c->root != held->root) v.alarm = "a fork: another root, " + Sizes(held->size, c->size);
    v.line = stream + ": size " + std::to_string(c->size) + ": unchanged";
  } else {
    ProveConsistency(stream, *held, *c, &v);
    if (v.alarm.empty()) v.text = *text;
  }
  return v;
}

void Witness::ProveConsistency(const std::string& stream, const Checkpoint& held,
                               const Checkpoint& offered, Verdict* v) {
  StatusOr<std::vector<MerkleHash>> proof =
      client_.ConsistencyProof(stream, held.size, offered.size);
  if (proof.status().code() == Status::Code::kUnavailable) {
    v->unreachable = true;
    v->line = stream + ": not checked: " + proof.status().message();
    return;
  }
  if (!proof.ok()) {
    v->alarm = "no consistency proof from the held checkpoint (" + Sizes(held.size, offered.size) +
               "): " + proof.status().message();
    return;
  }
  for (const MerkleHash& h : *proof) {
    v->proof += MerkleHashBase64(h) + "\n";
  }
  if (!VerifyConsistency(held.size, offered.size, held.root, offered.root, *proof)) {
    v->alarm =
        "history rewritten: the consistency proof does not hold, " + Sizes(held.size, offered.size);
    return;
  }
  v->line = stream + ": size " + std::to_string(held.size) + " -> " + std::to_string(offered.size) +
            ": consistent, cosigned";
}

Status Witness::Hold(const std::string& stream, const std::string& note, const std::string& text) {
  uint64_t now = static_cast<uint64_t>(NowMs() / 1000);
  std::string cosigned = note + signer_->CosignatureLine(text, now);
  return WriteAtomically(fs::path(options_.state_dir) / "checkpoints" / FileName(stream), cosigned);
}

std::string Witness::KeepEvidence(const StreamNote& offered, const std::string& proof) {
  std::string when = FormatRfc3339(NowMs());
  for (char& c : when) {
    if (c == ':') c = '-';
  }
  fs::path dir =
      fs::path(options_.state_dir) / "evidence" / (when + "-" + FileName(offered.stream));
  std::error_code ec;
  fs::create_directories(dir, ec);
  fs::path held = fs::path(options_.state_dir) / "checkpoints" / FileName(offered.stream);
  fs::copy_file(held, dir / "held", fs::copy_options::overwrite_existing, ec);
  (void)WriteAtomically(dir / "offered", offered.note);
  (void)WriteAtomically(dir / "proof", proof);
  return dir.string();
}

Status Witness::CheckOnce(AuditIo& io) {
  StatusOr<std::vector<StreamNote>> offered = client_.Checkpoints();
  if (!offered.ok()) return offered.status();
  int alarms = 0;
  bool unreachable = false;
  for (const StreamNote& note : *offered) {
    Verdict v = Check(note);
    unreachable |= v.unreachable;
    if (v.alarm.empty()) {
      if (!v.text.empty() && !v.unreachable) {
        if (Status s = Hold(note.stream, note.note, v.text); !s.ok()) return s;
      }
      io.out << v.line << "\n";
      continue;
    }
    ++alarms;
    std::string evidence = KeepEvidence(note, v.proof);
    io.out << note.stream << ": ALARM: " << v.alarm << "\n";
    io.err << "wit-audit witness: ALARM: stream " << note.stream << ": " << v.alarm
           << " (evidence in " << evidence << ")\n";
  }
  io.out.flush();
  if (alarms > 0) {
    return Status::FailedPrecondition(std::to_string(alarms) + " stream" +
                                      (alarms == 1 ? "" : "s") +
                                      " broke the log's promise: see the alarms above");
  }
  if (unreachable) return Status::Unavailable("the server stopped answering during the check");
  return Status::OK();
}

Status RunWitness(const WitnessOptions& options, AuditIo& io) {
  StatusOr<std::unique_ptr<Witness>> witness = Witness::Open(options);
  if (!witness.ok()) return witness.status();
  while (true) {
    Status s = (*witness)->CheckOnce(io);
    if (options.interval_seconds <= 0 || s.code() == Status::Code::kFailedPrecondition) return s;
    if (!s.ok()) io.err << "wit-audit witness: " << s.message() << " (trying again)\n";
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(options.interval_seconds);
    while (std::chrono::steady_clock::now() < until) {
      if (io.stop && io.stop->load()) return Status::OK();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

}  // namespace wit
