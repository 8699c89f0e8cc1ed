#include "ledger/log_index.h"

#include "base/coding.h"
#include "ledger/event_codec.h"

namespace wit {

std::string IndexTerm(IndexTermKind kind, std::string_view value) {
  std::string term(1, static_cast<char>(kind));
  PutFixed32(&term, static_cast<uint32_t>(value.size()));
  term += value;
  return term;
}

std::vector<std::string> IndexTerms(const Event& e) {
  std::vector<std::string> terms = {IndexTerm(IndexTermKind::kToken, e.token_id),
                                    IndexTerm(IndexTermKind::kUser, e.user_id)};
  if (e.type == EventType::kCreated) {
    terms.push_back(IndexTerm(IndexTermKind::kHash, e.token_hash));
    terms.push_back(IndexTerm(IndexTermKind::kPrefix, e.prefix));
  }
  return terms;
}

std::vector<std::string> IndexTermsOfPayload(std::string_view payload) {
  StatusOr<Event> e = DecodeEvent(payload);
  return e.ok() ? IndexTerms(*e) : std::vector<std::string>();
}

}  // namespace wit
