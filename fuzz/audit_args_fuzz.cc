// wit-audit's time and filter parsers, and the scan's shortcut: for any record that decodes,
// a filter naming that event's own values must match it, and MayMatch (which lets a scan skip
// decoding) must never say no to it.
#include <cstdint>
#include <string>

#include "audit-cli/event_filter.h"
#include "audit-cli/time_arg.h"
#include "ledger/event_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  (void)wit::ParseTimeArg(input, 1'795'833'508'043);
  (void)wit::ParseDuration(input);
  (void)wit::ParseEventTypes(input);
  wit::StatusOr<wit::Event> e = wit::DecodeEvent(input);
  if (!e.ok()) return 0;
  wit::EventFilter f;
  f.token_ids = {e->token_id};
  f.user = e->user_id;
  f.types = {e->type};
  f.since = e->occurred_at;
  f.until = e->occurred_at;
  if (e->type == wit::EventType::kUsed) {
    f.outcome = e->outcome;
    if (e->service) f.service = *e->service;
    if (e->ip) f.ip = *e->ip;
  }
  if (e->type == wit::EventType::kCreated) {
    f.token_hash = e->token_hash;
    f.prefix = e->prefix;
  }
  if (!f.MayMatch(input)) __builtin_trap();
  if (!f.Matches(*e)) __builtin_trap();
  return 0;
}
