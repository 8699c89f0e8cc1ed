#ifndef WIT_LEDGER_EVENT_CODEC_H_
#define WIT_LEDGER_EVENT_CODEC_H_

#include <string>
#include <string_view>

#include "base/status.h"
#include "ledger/event.h"

namespace wit {

// EncodeEvent renders `event` as one compact JSON object with the contract's field names, as
// stored in the log and checked by schemas/events/<type>.schema.json.
std::string EncodeEvent(const Event& event);

// DecodeEvent parses one JSON record and checks it against the event schema (required fields,
// types, known type and scopes, uuids, RFC 3339 times). Anything else is InvalidArgument with a
// message naming the first problem; decoding never throws.
StatusOr<Event> DecodeEvent(std::string_view json);

}  // namespace wit

#endif  // WIT_LEDGER_EVENT_CODEC_H_
