// wit-devkafka: librdkafka's mock Kafka cluster on 127.0.0.1 with the ledger's topics, for
// development and tests. Prints the bootstrap list as its first stdout line and runs until
// SIGTERM/SIGINT. In memory only: never for production.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "devkafka/mock_kafka_cluster.h"
#include "ledger/event_log.h"

int main(int argc, char** argv) {
  CLI::App app{"wit-devkafka: an in-memory mock Kafka cluster for development and tests"};
  int brokers = 1, partitions = 3;
  std::string prefix = wit::kDefaultTopicPrefix;
  app.add_option("--brokers", brokers, "Number of brokers")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  app.add_option("--partitions", partitions, "Partitions per topic")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--topic-prefix", prefix, "Prefix of the topic names")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  auto cluster = wit::MockKafkaCluster::Start(brokers, partitions, prefix);
  if (!cluster.ok()) {
    std::cerr << "wit-devkafka: " << cluster.status().message() << "\n";
    return 1;
  }
  std::cout << (*cluster)->Bootstraps() << std::endl;
  std::cerr << "wit-devkafka: " << brokers << " broker(s), topics " << prefix
            << "tokens.lifecycle, " << prefix << "tokens.usage and " << prefix
            << "tokens.lastused with " << partitions
            << " partition(s) each; in memory only, for development and tests\n";
  int sig = 0;
  sigwait(&stop, &sig);
  return 0;
}
