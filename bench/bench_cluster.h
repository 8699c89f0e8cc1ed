// Shared by the benchmarks on a real Apache Kafka cluster (bench_kafka, bench_fleet).
#ifndef WIT_BENCH_BENCH_CLUSTER_H_
#define WIT_BENCH_BENCH_CLUSTER_H_

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "tests/kafka_cluster.h"

namespace wit::bench {

// StartRealCluster starts three brokers with scripts/kafka-cluster.sh and, for each of
// `prefixes`, makes the ledger's topics (`witd kafka create-topics`) with 8 partitions and
// replication factor 3.
StatusOr<std::unique_ptr<testing::KafkaCluster>> StartRealCluster(
    const std::vector<std::string>& prefixes);

}  // namespace wit::bench

#endif  // WIT_BENCH_BENCH_CLUSTER_H_
