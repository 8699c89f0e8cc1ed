#include "api/log_routes.h"

#include <optional>

#include "base/decimal.h"
#include "base/json_writer.h"

namespace wit {
namespace {

// Param returns the query's value for `key`, nullopt when absent.
std::optional<std::string> Param(const LogQuery& query, const std::string& key) {
  for (const auto& [k, v] : query) {
    if (k == key) return v;
  }
  return std::nullopt;
}

// Number reads the query's `key` as a decimal; InvalidArgument when it is absent or not one.
StatusOr<uint64_t> Number(const LogQuery& query, const std::string& key) {
  std::optional<std::string> text = Param(query, key);
  if (!text) return Status::InvalidArgument("the query needs " + key + "=N");
  std::optional<uint64_t> n = ParseDecimal(*text);
  if (!n) return Status::InvalidArgument(key + " is a decimal number");
  return *n;
}

void WriteHashes(JsonWriter& w, const std::vector<MerkleHash>& hashes) {
  w.Key("hashes").BeginArray();
  for (const MerkleHash& h : hashes) w.String(MerkleHashBase64(h));
  w.EndArray();
}

}  // namespace

StatusOr<std::string> LogRoutes::StreamOf(const LogQuery& query) const {
  if (std::optional<std::string> s = Param(query, "stream"); s && !s->empty()) return *s;
  std::map<std::string, SignedCheckpoint> all;
  if (checkpoints_) all = checkpoints_->All();
  if (all.size() == 1) return all.begin()->first;
  return Status::InvalidArgument("name the stream: ?stream=S (see /api/log/checkpoints)");
}

StatusOr<uint64_t> LogRoutes::TreeSize(const std::string& stream) const {
  TokenView::Trees trees = view_->StreamTrees();
  auto it = trees.find(stream);
  if (it == trees.end()) return Status::NotFound("the log has no tree of stream " + stream);
  return it->second.size();
}

std::string LogRoutes::LatestNote(const std::string& stream, uint64_t size) const {
  SignedCheckpoint latest;
  if (checkpoints_ && checkpoints_->Latest(stream, &latest) && latest.checkpoint.size == size) {
    return latest.note;
  }
  return "";
}

StatusOr<std::string> LogRoutes::Checkpoint(const LogQuery& query) const {
  if (!checkpoints_) return Status::NotFound("this server signs no checkpoints");
  StatusOr<std::string> stream = StreamOf(query);
  if (!stream.ok()) return stream.status();
  SignedCheckpoint latest;
  if (!checkpoints_->Latest(*stream, &latest)) {
    return Status::NotFound("no checkpoint of stream " + *stream + " yet");
  }
  return latest.note;
}

std::string LogRoutes::Checkpoints() const {
  JsonWriter w;
  w.BeginObject().Key("checkpoints").BeginArray();
  std::map<std::string, SignedCheckpoint> all;
  if (checkpoints_) all = checkpoints_->All();
  for (const auto& [stream, c] : all) {
    w.BeginObject().Key("stream").String(stream).Key("origin").String(c.checkpoint.origin);
    w.Key("size").Int(static_cast<int64_t>(c.checkpoint.size));
    w.Key("root")
        .String(MerkleHashBase64(c.checkpoint.root))
        .Key("note")
        .String(c.note)
        .EndObject();
  }
  w.EndArray().EndObject();
  return w.Take();
}

StatusOr<std::string> LogRoutes::InclusionProof(const LogQuery& query) const {
  std::string stream;
  uint64_t index = 0;
  std::optional<uint64_t> size;
  if (std::optional<std::string> id = Param(query, "eventId")) {
    StatusOr<std::vector<LogPosition>> at = view_->FindEvent(*id);
    if (!at.ok()) return at.status();
    std::optional<std::string> want = Param(query, "stream");
    for (const LogPosition& p : *at) {
      if (want && p.stream != *want) continue;
      stream = p.stream;
      index = p.offset;
      break;
    }
    if (stream.empty()) return Status::NotFound("the log holds no event " + *id);
    SignedCheckpoint latest;
    if (checkpoints_ && checkpoints_->Latest(stream, &latest)) size = latest.checkpoint.size;
  } else {
    StatusOr<std::string> s = StreamOf(query);
    if (!s.ok()) return s.status();
    stream = *s;
    StatusOr<uint64_t> i = Number(query, "index");
    if (!i.ok()) return i.status();
    index = *i;
  }
  if (Param(query, "size") || !size) {
    StatusOr<uint64_t> n = Number(query, "size");
    if (!n.ok()) return n.status();
    size = *n;
  }
  StatusOr<uint64_t> have = TreeSize(stream);
  if (!have.ok()) return have.status();
  if (*size > *have) {
    return Status::NotFound("the tree of " + stream + " has " + std::to_string(*have) +
                            " leaves, not " + std::to_string(*size));
  }
  if (index >= *size) {
    return Status::NotFound(
        "leaf " + std::to_string(index) + " of " + stream + " is not in the tree of " +
        std::to_string(*size) +
        (Param(query, "eventId") ? " (the latest checkpoint): ask again soon" : ""));
  }
  StatusOr<std::vector<MerkleHash>> proof =
      MerkleInclusionProof(index, *size, view_->TreeNodes(stream));
  if (!proof.ok()) return proof.status();
  JsonWriter w;
  w.BeginObject().Key("stream").String(stream);
  w.Key("index").Int(static_cast<int64_t>(index)).Key("size").Int(static_cast<int64_t>(*size));
  WriteHashes(w, *proof);
  if (std::string note = LatestNote(stream, *size); !note.empty()) w.Key("checkpoint").String(note);
  w.EndObject();
  return w.Take();
}

StatusOr<std::string> LogRoutes::ConsistencyProof(const LogQuery& query) const {
  StatusOr<std::string> stream = StreamOf(query);
  if (!stream.ok()) return stream.status();
  StatusOr<uint64_t> from = Number(query, "from");
  if (!from.ok()) return from.status();
  StatusOr<uint64_t> to = Number(query, "to");
  if (!to.ok()) return to.status();
  if (*from > *to) return Status::InvalidArgument("from is at most to");
  StatusOr<uint64_t> have = TreeSize(*stream);
  if (!have.ok()) return have.status();
  if (*to > *have) {
    return Status::NotFound("the tree of " + *stream + " has " + std::to_string(*have) +
                            " leaves, not " + std::to_string(*to));
  }
  StatusOr<std::vector<MerkleHash>> proof =
      MerkleConsistencyProof(*from, *to, view_->TreeNodes(*stream));
  if (!proof.ok()) return proof.status();
  JsonWriter w;
  w.BeginObject().Key("stream").String(*stream);
  w.Key("from").Int(static_cast<int64_t>(*from)).Key("to").Int(static_cast<int64_t>(*to));
  WriteHashes(w, *proof);
  if (std::string note = LatestNote(*stream, *to); !note.empty()) w.Key("checkpoint").String(note);
  w.EndObject();
  return w.Take();
}

}  // namespace wit
