#include "audit-cli/verify_command.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "audit-cli/audit_files.h"
#include "audit-cli/log_client.h"
#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "projector/view_tree_reader.h"

namespace wit {
namespace {

struct Signed {
  std::string file;
  Checkpoint checkpoint;
  std::string verdict;  // set once the log reaches its size
};

// StreamTree is one stream's recomputed tree and the checkpoints to check on the way.
struct StreamTree {
  MerkleFrontier tree;
  MerkleTree whole;  // every node, kept only to find where the log differs (with --server)
  std::vector<Signed*> checkpoints;  // ascending by size
  std::string gap;                   // why the tree could not be computed, if it could not
};

// CheckpointFiles lists the files `paths` name: each file, and the files of each dir (of its
// checkpoints/ when it has one, as a witness's state dir does), in name order.
std::vector<std::string> CheckpointFiles(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
      out.push_back(path);
      continue;
    }
    fs::path dir = fs::is_directory(fs::path(path) / "checkpoints", ec)
                       ? fs::path(path) / "checkpoints"
                       : fs::path(path);
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.is_regular_file() && entry.path().extension() != ".tmp") {
        files.push_back(entry.path().string());
      }
    }
    std::sort(files.begin(), files.end());
    out.insert(out.end(), files.begin(), files.end());
  }
  return out;
}

// LoadCheckpoints opens each file's note with `key` and parses its checkpoint.
StatusOr<std::vector<Signed>> LoadCheckpoints(const VerifyOptions& o) {
  std::vector<Signed> out;
  if (o.checkpoint_files.empty()) return out;
  if (o.public_key.empty()) return Status::InvalidArgument("--checkpoint needs --public-key");
  std::string key = KeyOrKeyFile(o.public_key);
  for (const std::string& file : CheckpointFiles(o.checkpoint_files)) {
    std::optional<std::string> note = ReadWholeFile(file);
    if (!note) return Status::NotFound("cannot read checkpoint " + file);
    StatusOr<std::string> text = OpenNote(*note, key);
    if (!text.ok()) return Status::InvalidArgument(file + ": " + text.status().message());
    StatusOr<Checkpoint> c = ParseCheckpointText(*text);
    if (!c.ok()) return Status::InvalidArgument(file + ": " + c.status().message());
    if (CheckpointStream(*c).empty()) {
      return Status::InvalidArgument(file + ": the origin " + c->origin +
                                     " names no stream (<log>/<stream>)");
    }
    out.push_back({file, std::move(*c), ""});
  }
  return out;
}

// Check gives a verdict to every checkpoint of `st` whose size the tree has reached.
void Check(StreamTree& st) {
  for (Signed* s : st.checkpoints) {
    if (s->checkpoint.size != st.tree.size() || !s->verdict.empty()) continue;
    s->verdict = s->checkpoint.root == st.tree.Root()
                     ? "OK"
                     : "DIFFERS: the log's first " + std::to_string(s->checkpoint.size) +
                           " records are not the ones signed";
  }
}

// ByStream groups the checkpoints by the stream their origin names, ascending by size.
std::map<std::string, StreamTree> ByStream(std::vector<Signed>* checkpoints) {
  std::map<std::string, StreamTree> streams;
  for (Signed& s : *checkpoints) {
    std::string stream = CheckpointStream(s.checkpoint);
    streams[stream].checkpoints.push_back(&s);
  }
  for (auto& [name, st] : streams) {
    std::sort(st.checkpoints.begin(), st.checkpoints.end(), [](const Signed* a, const Signed* b) {
      return a->checkpoint.size < b->checkpoint.size;
    });
    Check(st);  // a checkpoint of size 0
  }
  return streams;
}

// Locate says where the stream's log first departs from the smallest checkpoint it disagrees
// with: found with the server's proofs (MerkleFirstDifference), else bracketed by the largest
// checkpoint that holds. "" when every checkpoint holds.
std::string Locate(const std::string& name, const StreamTree& st, const VerifyOptions& o) {
  const Signed* bad = nullptr;
  uint64_t good = 0;  // the largest size that holds below it
  for (const Signed* c : st.checkpoints) {
    if (c->verdict == "OK") good = std::max(good, c->checkpoint.size);
    if (c->verdict != "OK") {
      bad = c;
      break;
    }
  }
  if (!bad || !st.gap.empty()) return "";
  const Checkpoint& c = bad->checkpoint;
  std::string bracket = "the first record that differs from the checkpoint of " +
                        std::to_string(c.size) + " is one of " + std::to_string(good) + " to " +
                        std::to_string(c.size - 1);
  MerkleInclusionSource proofs;
  std::string from;
  std::optional<LogClient> client;
  std::unique_ptr<ViewTreeReader> view;
  MerkleNodeReader nodes;
  if (!o.server.empty()) {
    StatusOr<ServerAddress> server = ParseServerUrl(o.server);
    if (!server.ok()) return "--server: " + server.status().message();
    client.emplace(std::move(*server));
    proofs = [&](uint64_t i) { return client->InclusionProof(name, i, c.size); };
    from = "witd's inclusion proofs";
  } else if (StatusOr<std::unique_ptr<ViewTreeReader>> v =
                 o.view_dir.empty()
                     ? StatusOr<std::unique_ptr<ViewTreeReader>>(Status::NotFound("no data dir"))
                     : ViewTreeReader::Open(o.view_dir);
             v.ok()) {
    view = std::move(*v);
    nodes = view->Nodes(name);
    proofs = [&](uint64_t i) { return MerkleInclusionProof(i, c.size, nodes); };
    from = "inclusion proofs from the view's tree (" + o.view_dir + ")";
  } else {
    return bracket + " (give --server URL to name it)";
  }
  StatusOr<uint64_t> at = MerkleFirstDifference(st.whole, c.size, c.root, proofs);
  if (!at.ok()) return bracket + " (" + from + " cannot name it: " + at.status().message() + ")";
  return "FIRST BAD RECORD " + std::to_string(*at) + ": " +
         (*at >= st.tree.size()
              ? "missing (the log ends there)"
              : "not the record the checkpoint of " + std::to_string(c.size) + " signs") +
         ", proven by " + from + " against its root";
}

// Report prints one stream's tree and verdicts, and returns how many findings it has.
int Report(const std::string& name, StreamTree& st, const VerifyOptions& o, std::ostream& out) {
  int bad = 0;
  out << name << ": " << st.tree.size() << " records, root " << MerkleHashBase64(st.tree.Root())
      << "\n";
  if (!st.gap.empty()) {
    out << "  " << st.gap << "\n";
    bad += st.checkpoints.empty() ? 0 : 1;
  }
  if (st.checkpoints.empty()) out << "  (no checkpoint given)\n";
  for (Signed* c : st.checkpoints) {
    if (c->verdict.empty()) {
      c->verdict = st.gap.empty() ? "DIFFERS: the log holds " + std::to_string(st.tree.size()) +
                                        " records, fewer than the " +
                                        std::to_string(c->checkpoint.size) + " signed"
                                  : "NOT CHECKED: the tree could not be computed";
    }
    bad += c->verdict != "OK";
    out << "  checkpoint of " << c->checkpoint.size << " records (" << c->file
        << "): " << c->verdict << "\n";
  }
  if (std::string where = Locate(name, st, o); !where.empty()) out << "  " << where << "\n";
  // Records past the latest checkpoint are signed by none: appended after it, or forged.
  if (!st.checkpoints.empty() && st.gap.empty() &&
      st.checkpoints.back()->checkpoint.size < st.tree.size()) {
    out << "  records " << st.checkpoints.back()->checkpoint.size << " to " << st.tree.size() - 1
        << ": NOT SIGNED: no checkpoint given covers them (fetch one after the log)\n";
    ++bad;
  }
  return bad;
}

// KeepWholeTrees reads the log again for the streams that disagree with a checkpoint, keeping
// every node of their trees (two hashes a record) for Locate; the streams that agree cost
// nothing more than the first pass.
Status KeepWholeTrees(AuditSource& source, std::map<std::string, StreamTree>* streams) {
  std::set<std::string> wanted;
  for (const auto& [name, st] : *streams) {
    for (const Signed* c : st.checkpoints) {
      if (c->verdict != "OK" && st.gap.empty()) wanted.insert(name);
    }
  }
  if (wanted.empty()) return Status::OK();
  source.Rewind();
  return source.Scan([&](const std::string& stream, uint64_t offset, std::string_view payload) {
    if (!wanted.count(stream)) return true;
    StreamTree& st = (*streams)[stream];
    if (offset == st.whole.size()) st.whole.Append(MerkleLeafHash(payload));
    return true;
  });
}

}  // namespace

Status RunVerify(AuditSource& source, const VerifyOptions& options, AuditIo& io) {
  StatusOr<std::vector<Signed>> checkpoints = LoadCheckpoints(options);
  if (!checkpoints.ok()) return checkpoints.status();
  std::map<std::string, StreamTree> streams = ByStream(&*checkpoints);
  Status s = source.Scan([&](const std::string& stream, uint64_t offset, std::string_view payload) {
    StreamTree& st = streams[stream];
    if (!st.gap.empty()) return true;
    if (offset != st.tree.size()) {
      st.gap = "the log holds no record " + std::to_string(st.tree.size()) + " (the next is " +
               std::to_string(offset) + "): its tree cannot be computed";
      return true;
    }
    st.tree.Append(MerkleLeafHash(payload));
    Check(st);
    return true;
  });
  if (!s.ok()) return s;
  if (!options.server.empty() || !options.view_dir.empty()) {
    if (Status w = KeepWholeTrees(source, &streams); !w.ok()) return w;
  }
  int bad = 0;
  for (auto& [name, st] : streams) bad += Report(name, st, options, io.out);
  if (bad > 0) {
    return Status::FailedPrecondition("the log and its checkpoints disagree (" +
                                      std::to_string(bad) + " finding" + (bad == 1 ? "" : "s") +
                                      ")");
  }
  return Status::OK();
}

}  // namespace wit
