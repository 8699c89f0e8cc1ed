#include "bench/bench_cluster.h"

#include "tests/witd_process.h"

namespace wit::bench {

StatusOr<std::unique_ptr<testing::KafkaCluster>> StartRealCluster(
    const std::vector<std::string>& prefixes) {
  auto cluster = testing::KafkaCluster::Start(3);
  if (!cluster.ok()) return cluster.status();
  for (const std::string& prefix : prefixes) {
    testing::CommandResult r = testing::RunCommand(
        testing::BinDir() + "/witd kafka create-topics --kafka-brokers " + (*cluster)->bootstrap() +
        " --topic-prefix " + prefix + " --partitions 8 --replication-factor 3");
    if (r.exit_code != 0) return Status::Internal("create-topics: " + r.out + r.err);
  }
  return cluster;
}

}  // namespace wit::bench
