#ifndef WIT_DEVKAFKA_MOCK_KAFKA_CLUSTER_H_
#define WIT_DEVKAFKA_MOCK_KAFKA_CLUSTER_H_

#include <cstdint>
#include <string>

#include "base/status.h"
#include "ledger/kafka_handles.h"

typedef struct rd_kafka_mock_cluster_s rd_kafka_mock_cluster_t;

namespace wit {

// MockKafkaCluster is librdkafka's in-memory mock Kafka cluster: real Kafka protocol on
// 127.0.0.1 ports, for development and tests only (it keeps about 5 MiB per partition and does
// not deduplicate idempotent produces). Faults are injected through its methods.
//
//   auto cluster = MockKafkaCluster::Start(1, 3, "wit.");
//   witd --kafka-brokers (*cluster)->bootstraps() ...
//   (*cluster)->SetBrokersDown();
class MockKafkaCluster {
 public:
  // Start creates `brokers` brokers and the topics <prefix>tokens.lifecycle,
  // <prefix>tokens.usage and <prefix>tokens.lastused with `partitions` partitions each.
  static StatusOr<std::unique_ptr<MockKafkaCluster>> Start(int brokers, int partitions,
                                                           const std::string& topic_prefix);
  ~MockKafkaCluster();
  MockKafkaCluster(const MockKafkaCluster&) = delete;
  MockKafkaCluster& operator=(const MockKafkaCluster&) = delete;

  // Bootstraps returns the "127.0.0.1:PORT,..." list clients connect to.
  std::string Bootstraps() const;

  // CreateTopic adds a topic (tests use it for topics of other prefixes).
  Status CreateTopic(const std::string& topic, int partitions);

  // SetBrokersDown disconnects every broker and refuses new connections; SetBrokersUp undoes it.
  void SetBrokersDown();
  void SetBrokersUp();
  // SetBrokerDown and SetBrokerUp do the same to broker `broker` (1-based) alone; the
  // partitions it leads keep it as their leader, so they stop moving.
  void SetBrokerDown(int32_t broker);
  void SetBrokerUp(int32_t broker);

  // FailNextProduces makes the next `count` Produce requests fail with `error` (a retriable
  // error exercises the producer's retries; RD_KAFKA_RESP_ERR__TRANSPORT drops the connection).
  void FailNextProduces(size_t count, rd_kafka_resp_err_t error);

  // SetPartitionLeader moves a partition's leadership to broker `broker` (1-based); -1 leaves
  // the partition without a leader, so writes to it alone fail until it has one again.
  void SetPartitionLeader(const std::string& topic, int32_t partition, int32_t broker);

 private:
  MockKafkaCluster(RdKafkaPtr handle, rd_kafka_mock_cluster_t* cluster);

  RdKafkaPtr handle_;  // the client the mock cluster is attached to; outlives it
  rd_kafka_mock_cluster_t* cluster_;
};

}  // namespace wit

#endif  // WIT_DEVKAFKA_MOCK_KAFKA_CLUSTER_H_
