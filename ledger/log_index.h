#ifndef WIT_LEDGER_LOG_INDEX_H_
#define WIT_LEDGER_LOG_INDEX_H_

#include <string>
#include <string_view>
#include <vector>

#include "ledger/event.h"

namespace wit {

// The embedded log's index, kept in the log's own RocksDB database (column family
// kLogIndexFamily) and written in the same WriteBatch as the records it points to, so it can
// never disagree with the log. For each record it holds one key per term of the event,
// term + OffsetKey(offset), with an empty value; kIndexedEndKey holds OffsetKey of the first
// record not indexed (records from there on must be scanned).
//
//   for (const std::string& term : IndexTerms(event)) batch.Put(index, term + OffsetKey(n), "");
inline constexpr const char* kLogIndexFamily = "index";
inline constexpr const char* kIndexedEndKey = "~end";
// Also in the index family: OffsetKey of the first record written by a witd that signs
// lifecycle events (EventLog::UnsignedBefore), set once.
inline constexpr const char* kUnsignedBeforeKey = "~unsigned";
// The column family holding each signed record's MAC header, keyed by OffsetKey.
inline constexpr const char* kLogMacFamily = "mac";

enum class IndexTermKind : char {
  kToken = 't',   // tokenId, every event
  kUser = 'u',    // userId, every event
  kHash = 'h',    // tokenHash, token.created
  kPrefix = 'p',  // prefix, token.created
};

// IndexTerm is the key prefix for `value` of `kind`: the kind, a 4-byte big-endian length and
// the value, so that no term is a prefix of another.
std::string IndexTerm(IndexTermKind kind, std::string_view value);

// IndexTerms returns the terms `event` is found under.
std::vector<std::string> IndexTerms(const Event& event);

// IndexTermsOfPayload decodes a stored record and returns its terms; a record that is not a
// valid event has none.
std::vector<std::string> IndexTermsOfPayload(std::string_view payload);

}  // namespace wit

#endif  // WIT_LEDGER_LOG_INDEX_H_
