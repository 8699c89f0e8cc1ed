#include "ledger/log_index.h"

#include "ledger/event_codec.h"

namespace wit {

std::string IndexTerm(IndexTermKind kind, std::string_view value) {
  std::string term(1, static_cast<char>(kind));
  uint32_t n = static_cast<uint32_t>(value.size());
  for (int shift = 24; shift >= 0; shift -= 8) term += static_cast<char>((n >> shift) & 0xff);
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
