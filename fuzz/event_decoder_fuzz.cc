// The event decoder, on anything a topic could carry: it must never crash, and what it accepts
// must survive EncodeEvent → DecodeEvent unchanged (the stored form is canonical).
#include <cstdint>
#include <string_view>

#include "ledger/event_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  wit::StatusOr<wit::Event> event = wit::DecodeEvent(input);
  if (!event.ok()) return 0;
  std::string encoded = wit::EncodeEvent(*event);
  wit::StatusOr<wit::Event> again = wit::DecodeEvent(encoded);
  if (!again.ok() || wit::EncodeEvent(*again) != encoded) __builtin_trap();
  return 0;
}
