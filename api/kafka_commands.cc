#include "api/kafka_commands.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <optional>

#include "ledger/kafka_admin.h"
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

int CreateTopics(const KafkaCommandFlags& f, const KafkaConfig& config) {
  StatusOr<KafkaAdmin> admin = KafkaAdmin::Open(f.brokers, config, std::chrono::seconds(15));
  if (!admin.ok()) {
    std::cerr << "witd: " << admin.status().message() << "\n";
    return 1;
  }
  int replicas = f.replication_factor;
  if (replicas == 0) {
    StatusOr<int> brokers = admin->BrokerCount();
    if (!brokers.ok()) {
      std::cerr << "witd: " << brokers.status().message() << "\n";
      return 1;
    }
    replicas = std::min(3, *brokers);
  }
  std::optional<int64_t> usage_retention;
  if (f.usage_retention_days > 0) usage_retention = int64_t{f.usage_retention_days} * 86'400'000;
  std::vector<std::string> report;
  Status s = admin->CreateTopics(
      KafkaTopicSpecs(f.topic_prefix, f.partitions, replicas, usage_retention), &report);
  for (const std::string& line : report) std::cout << line << "\n";
  if (!s.ok()) {
    std::cerr << "witd: " << s.message() << "\n";
    return 1;
  }
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

  f->create_topics = kafka->add_subcommand(
      "create-topics",
      "Create <prefix>tokens.lifecycle and <prefix>tokens.usage with the settings an event log "
      "needs (nothing deleted, min.insync.replicas=2 with 3 replicas), and the compacted "
      "<prefix>tokens.lastused (serve --coalesce-uses-ms), or check existing ones");
  AddConnection(f->create_topics, f);
  f->create_topics->add_option("--partitions", f->partitions, "Partitions of each topic")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  f->create_topics
      ->add_option("--replication-factor", f->replication_factor,
                   "Replicas of each partition (default 3, or the brokers there are)")
      ->check(CLI::Range(1, 16));
  f->create_topics
      ->add_option("--usage-retention-days", f->usage_retention_days,
                   "Delete uses older than this (default: keep them; keep the audit trail "
                   "elsewhere first, e.g. wit-audit replay --follow into a SIEM)")
      ->check(CLI::Range(1, 36500));
}

int RunKafkaCommand(const KafkaCommandFlags& f) {
  StatusOr<KafkaConfig> config = ParseKafkaConfig(f.kafka_config);
  if (!config.ok()) {
    std::cerr << "witd: " << config.status().message() << "\n";
    return 2;
  }
  if (f.lifecycle_end && *f.lifecycle_end) return LifecycleEnd(f, std::move(*config));
  if (f.create_topics && *f.create_topics) return CreateTopics(f, *config);
  return 2;
}

}  // namespace wit
