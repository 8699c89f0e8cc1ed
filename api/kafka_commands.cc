#include "api/kafka_commands.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "ledger/kafka_event_log.h"

namespace wit {
namespace {

void AddConnection(CLI::App* cmd, KafkaCommandFlags* f) {
  cmd->add_option("--kafka-brokers", f->brokers, "Kafka bootstrap servers (HOST:PORT,...)")
      ->required();
  cmd->add_option("--topic-prefix", f->topic_prefix, "Prefix of the Kafka topic names")
      ->capture_default_str();
  cmd->add_option("--kafka-config", f->kafka_config, "KEY=VALUE passed to librdkafka; repeatable")
      ->take_all();
}

int LifecycleEnd(const KafkaCommandFlags& f, KafkaConfig config) {
  KafkaEventLogOptions options;
  options.brokers = f.brokers;
  options.topic_prefix = f.topic_prefix;
  options.extra = std::move(config);
  options.read_only = true;
  StatusOr<std::unique_ptr<KafkaEventLog>> log = KafkaEventLog::Open(options);
  if (!log.ok()) {
    std::cerr << "witd: " << log.status().message() << "\n";
    return 1;
  }
  StatusOr<LogPositions> end = (*log)->EndPositions();
  if (!end.ok()) {
    std::cerr << "witd: " << end.status().message() << "\n";
    return 1;
  }
  LogPositions lifecycle;
  for (const auto& [stream, offset] : *end) {
    if ((*log)->RoleOf(stream) == StreamRole::kLifecycle) lifecycle[stream] = offset;
  }
  std::cout << FormatPositions(lifecycle) << "\n";
  return 0;
}

}  // namespace

void AddKafkaCommands(CLI::App& app, KafkaCommandFlags* f) {
  CLI::App* kafka = app.add_subcommand("kafka", "Provision and inspect the Kafka topics");
  kafka->require_subcommand(1);
  f->lifecycle_end = kafka->add_subcommand(
      "lifecycle-end",
      "Print the lifecycle topic's end per partition as STREAM=OFFSET,...: record it before "
      "the first signing witd starts, and pass it to every node as --accept-unsigned-before");
  AddConnection(f->lifecycle_end, f);
}

int RunKafkaCommand(const KafkaCommandFlags& f) {
  StatusOr<KafkaConfig> config = ParseKafkaConfig(f.kafka_config);
  if (!config.ok()) {
    std::cerr << "witd: " << config.status().message() << "\n";
    return 2;
  }
  if (f.lifecycle_end && *f.lifecycle_end) return LifecycleEnd(f, std::move(*config));
  return 2;
}

}  // namespace wit
