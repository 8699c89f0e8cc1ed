#include "audit-cli/log_client.h"

#include <Poco/URI.h>

#include "base/flat_json.h"
#include "net/http_client.h"

namespace wit {
namespace {

constexpr size_t kMaxProofHashes = 64;

std::string Encoded(const std::string& value) {
  std::string out;
  Poco::URI::encode(value, "/?#&=+ ", out);
  return out;
}

}  // namespace

StatusOr<std::vector<StreamNote>> ParseCheckpointsAnswer(std::string_view json) {
  StatusOr<FlatObject> answer = ParseFlatObject(json);
  if (!answer.ok()) return Status::InvalidArgument("the checkpoints are not JSON");
  const FlatValue* list = answer->Find("checkpoints");
  if (!list || (list->type != FlatValue::Type::kArray &&
                !(list->type == FlatValue::Type::kStringArray && list->strings.empty()))) {
    return Status::InvalidArgument("the answer holds no \"checkpoints\" array");
  }
  std::vector<StreamNote> out;
  for (const FlatValue& item : list->elements) {
    const FlatValue* stream = item.object ? item.object->Find("stream") : nullptr;
    const FlatValue* note = item.object ? item.object->Find("note") : nullptr;
    if (!stream || !note || stream->type != FlatValue::Type::kString ||
        note->type != FlatValue::Type::kString || stream->string.empty()) {
      return Status::InvalidArgument("a checkpoint is {\"stream\":S,\"note\":N}");
    }
    out.push_back({stream->string, note->string});
  }
  return out;
}

StatusOr<std::vector<MerkleHash>> ParseProofAnswer(std::string_view json) {
  StatusOr<FlatObject> answer = ParseFlatObject(json);
  if (!answer.ok()) return Status::InvalidArgument("the proof is not JSON");
  const FlatValue* hashes = answer->Find("hashes");
  if (!hashes || hashes->type != FlatValue::Type::kStringArray) {
    return Status::InvalidArgument("the proof holds no \"hashes\" array of strings");
  }
  if (hashes->strings.size() > kMaxProofHashes) {
    return Status::InvalidArgument("a proof holds at most 64 hashes");
  }
  std::vector<MerkleHash> out;
  for (const std::string& b64 : hashes->strings) {
    StatusOr<MerkleHash> h = MerkleHashFromBase64(b64);
    if (!h.ok()) return Status::InvalidArgument("a proof's hash is 32 bytes in standard base64");
    out.push_back(*h);
  }
  return out;
}

StatusOr<std::string> LogClient::Get(const std::string& path) {
  StatusOr<HttpAnswer> answer =
      HttpExchange(server_, "GET", path, "", {{"User-Agent", "wit-audit"}});
  if (!answer.ok()) return answer.status();
  if (answer->status >= 200 && answer->status < 300) return std::move(answer->body);
  std::string message = server_.url + " answered HTTP " + std::to_string(answer->status) + ": " +
                        ApiErrorMessage(answer->body).value_or("(not a wit API error)");
  if (answer->status == 404) return Status::NotFound(message);
  if (answer->status >= 400 && answer->status < 500) return Status::InvalidArgument(message);
  return Status::Unavailable(message);
}

StatusOr<std::vector<StreamNote>> LogClient::Checkpoints() {
  StatusOr<std::string> body = Get("/api/log/checkpoints");
  if (!body.ok()) return body.status();
  return ParseCheckpointsAnswer(*body);
}

StatusOr<std::string> LogClient::Checkpoint(const std::string& stream) {
  return Get("/api/log/checkpoint?stream=" + Encoded(stream));
}

StatusOr<std::vector<MerkleHash>> LogClient::InclusionProof(const std::string& stream,
                                                            uint64_t index, uint64_t size) {
  StatusOr<std::string> body =
      Get("/api/log/proof/inclusion?stream=" + Encoded(stream) + "&index=" + std::to_string(index) +
          "&size=" + std::to_string(size));
  if (!body.ok()) return body.status();
  return ParseProofAnswer(*body);
}

StatusOr<std::vector<MerkleHash>> LogClient::ConsistencyProof(const std::string& stream,
                                                              uint64_t from, uint64_t to) {
  StatusOr<std::string> body = Get("/api/log/proof/consistency?stream=" + Encoded(stream) +
                                   "&from=" + std::to_string(from) + "&to=" + std::to_string(to));
  if (!body.ok()) return body.status();
  return ParseProofAnswer(*body);
}

}  // namespace wit
