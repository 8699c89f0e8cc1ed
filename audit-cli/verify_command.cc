#include "audit-cli/verify_command.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "base/base64.h"
#include "ledger/checkpoint.h"
#include "ledger/merkle.h"

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
  std::vector<Signed*> checkpoints;  // ascending by size
  std::string gap;                   // why the tree could not be computed, if it could not
};

StatusOr<std::string> ReadFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + std::string(what) + " " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Base64Root(const MerkleHash& root) {
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(root.data()), root.size()));
}

// PublicKey is `text`, or the first line of the file it names.
std::string PublicKey(const std::string& text) {
  std::ifstream in(text);
  std::string line;
  if (in && std::getline(in, line)) return line;
  return text;
}

// LoadCheckpoints opens each file's note with `key` and parses its checkpoint.
StatusOr<std::vector<Signed>> LoadCheckpoints(const VerifyOptions& o) {
  std::vector<Signed> out;
  if (o.checkpoint_files.empty()) return out;
  if (o.public_key.empty()) return Status::InvalidArgument("--checkpoint needs --public-key");
  std::string key = PublicKey(o.public_key);
  for (const std::string& file : o.checkpoint_files) {
    StatusOr<std::string> note = ReadFile(file, "checkpoint");
    if (!note.ok()) return note.status();
    StatusOr<std::string> text = OpenNote(*note, key);
    if (!text.ok()) return Status::InvalidArgument(file + ": " + text.status().message());
    StatusOr<Checkpoint> c = ParseCheckpointText(*text);
    if (!c.ok()) return Status::InvalidArgument(file + ": " + c.status().message());
    if (c->origin.find('/') == std::string::npos) {
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
    std::string stream = s.checkpoint.origin.substr(s.checkpoint.origin.find('/') + 1);
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

// Report prints one stream's tree and verdicts, and returns how many findings it has.
int Report(const std::string& name, StreamTree& st, std::ostream& out) {
  int bad = 0;
  out << name << ": " << st.tree.size() << " records, root " << Base64Root(st.tree.Root()) << "\n";
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
  // Records past the latest checkpoint are signed by none: appended after it, or forged.
  if (!st.checkpoints.empty() && st.gap.empty() &&
      st.checkpoints.back()->checkpoint.size < st.tree.size()) {
    out << "  records " << st.checkpoints.back()->checkpoint.size << " to " << st.tree.size() - 1
        << ": NOT SIGNED: no checkpoint given covers them (fetch one after the log)\n";
    ++bad;
  }
  return bad;
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
  int bad = 0;
  for (auto& [name, st] : streams) bad += Report(name, st, io.out);
  if (bad > 0) {
    return Status::FailedPrecondition("the log and its checkpoints disagree (" +
                                      std::to_string(bad) + " finding" + (bad == 1 ? "" : "s") +
                                      ")");
  }
  return Status::OK();
}

}  // namespace wit
