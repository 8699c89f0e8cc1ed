#ifndef WIT_AUDIT_CLI_REPLAY_COMMAND_H_
#define WIT_AUDIT_CLI_REPLAY_COMMAND_H_

#include "audit-cli/audit_io.h"
#include "audit-cli/audit_source.h"
#include "audit-cli/event_filter.h"
#include "audit-cli/event_writer.h"
#include "base/status.h"

namespace wit {

struct ReplayOptions {
  EventFilter filter;
  EventFormat format = EventFormat::kTable;
  bool follow = false;
  bool family = false;  // widen filter.token_ids to their rotation families
};

// RunReplay prints the events `options.filter` selects, in `options.format`. On the embedded log
// they come in log order as they are read. On Kafka every partition is read to its end, then
// the partitions are merged by occurredAt (each partition's own order kept, so a token's events
// stay in log order). With follow, it then prints events as they arrive until *io.stop is set.
Status RunReplay(AuditSource& source, ReplayOptions& options, AuditIo& io);

}  // namespace wit

#endif  // WIT_AUDIT_CLI_REPLAY_COMMAND_H_
