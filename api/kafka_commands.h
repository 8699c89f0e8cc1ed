#ifndef WIT_API_KAFKA_COMMANDS_H_
#define WIT_API_KAFKA_COMMANDS_H_

#include <string>
#include <vector>

#include "ledger/event_log.h"

namespace CLI {
class App;
}

namespace wit {

// KafkaCommandFlags holds the flags of `witd kafka ...`, filled by the parser.
struct KafkaCommandFlags {
  std::string brokers;
  std::string topic_prefix = kDefaultTopicPrefix;
  std::vector<std::string> kafka_config;  // KEY=VALUE
  int partitions = 3;
  int replication_factor = 0;    // 0: 3, or the number of brokers when fewer
  int usage_retention_days = 0;  // 0: the usage topic keeps its events forever
  CLI::App* lifecycle_end = nullptr;
  CLI::App* create_topics = nullptr;
};

// AddKafkaCommands adds `witd kafka lifecycle-end` (prints the lifecycle topic's end as
// STREAM=OFFSET,..., the value for `serve --accept-unsigned-before`) and `witd kafka
// create-topics` to `app`. REQUIRES: `flags` outlives the parse.
void AddKafkaCommands(CLI::App& app, KafkaCommandFlags* flags);

// RunKafkaCommand runs the subcommand that was parsed: 0 on success, 1 with a message on
// stderr when Kafka refused or cannot be reached, 2 for bad flags.
int RunKafkaCommand(const KafkaCommandFlags& flags);

}  // namespace wit

#endif  // WIT_API_KAFKA_COMMANDS_H_
