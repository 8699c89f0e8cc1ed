#ifndef WIT_LEDGER_KAFKA_READER_H_
#define WIT_LEDGER_KAFKA_READER_H_

#include <map>
#include <memory>
#include <string>

#include "base/status.h"
#include "ledger/event_log.h"
#include "ledger/kafka_options.h"

namespace wit {

// OpenKafkaReader returns a reader of every partition of `partitions` (topic → partition
// count), each a stream "<topic>/<partition>", from `start` (a stream that is absent from its
// beginning). It is a plain consumer with the partitions assigned (no consumer group is
// joined, nothing is committed: positions live in the view), and reads each record's last
// kEventMacHeader header as its MAC.
StatusOr<std::unique_ptr<LogReader>> OpenKafkaReader(const KafkaEventLogOptions& options,
                                                     const std::map<std::string, int>& partitions,
                                                     const LogPositions& start);

}  // namespace wit

#endif  // WIT_LEDGER_KAFKA_READER_H_
