#include "devkafka/mock_kafka_cluster.h"

#include <librdkafka/rdkafka_mock.h>

#include <vector>

namespace wit {

StatusOr<std::unique_ptr<MockKafkaCluster>> MockKafkaCluster::Start(
    int brokers, int partitions, const std::string& topic_prefix) {
  if (brokers < 1 || partitions < 1) {
    return Status::InvalidArgument("brokers and partitions must be at least 1");
  }
  // The mock cluster hangs off a client handle; a producer that never produces will do.
  StatusOr<RdKafkaConfPtr> conf = MakeKafkaConf({{"log_level", "3"}});
  if (!conf.ok()) return conf.status();
  StatusOr<RdKafkaPtr> handle = NewKafkaHandle(RD_KAFKA_PRODUCER, std::move(*conf));
  if (!handle.ok()) return handle.status();
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(handle->get(), brokers);
  if (!cluster) return Status::Internal("librdkafka could not start a mock cluster");
  std::unique_ptr<MockKafkaCluster> out(new MockKafkaCluster(std::move(*handle), cluster));
  for (const char* name : {"tokens.lifecycle", "tokens.usage", "tokens.lastused"}) {
    if (Status s = out->CreateTopic(topic_prefix + name, partitions); !s.ok()) return s;
  }
  return out;
}

MockKafkaCluster::MockKafkaCluster(RdKafkaPtr handle, rd_kafka_mock_cluster_t* cluster)
    : handle_(std::move(handle)), cluster_(cluster) {}

MockKafkaCluster::~MockKafkaCluster() { rd_kafka_mock_cluster_destroy(cluster_); }

std::string MockKafkaCluster::Bootstraps() const {
  return rd_kafka_mock_cluster_bootstraps(cluster_);
}

Status MockKafkaCluster::CreateTopic(const std::string& topic, int partitions) {
  rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, 1);
  if (err) return Status::Internal("cannot create topic " + topic + ": " + rd_kafka_err2str(err));
  return Status::OK();
}

void MockKafkaCluster::SetBrokersDown() { rd_kafka_mock_broker_set_down(cluster_, -1); }

void MockKafkaCluster::SetBrokersUp() { rd_kafka_mock_broker_set_up(cluster_, -1); }

void MockKafkaCluster::SetBrokerDown(int32_t broker) {
  rd_kafka_mock_broker_set_down(cluster_, broker);
}

void MockKafkaCluster::SetBrokerUp(int32_t broker) {
  rd_kafka_mock_broker_set_up(cluster_, broker);
}

void MockKafkaCluster::FailNextProduces(size_t count, rd_kafka_resp_err_t error) {
  constexpr int16_t kProduceApiKey = 0;
  std::vector<rd_kafka_resp_err_t> errors(count, error);
  rd_kafka_mock_push_request_errors_array(cluster_, kProduceApiKey, errors.size(), errors.data());
}

void MockKafkaCluster::SetPartitionLeader(const std::string& topic, int32_t partition,
                                          int32_t broker) {
  rd_kafka_mock_partition_set_leader(cluster_, topic.c_str(), partition, broker);
}

}  // namespace wit
