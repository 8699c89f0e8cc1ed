#include "ledger/kafka_topics.h"

#include <algorithm>
#include <thread>
#include <vector>

namespace wit {
namespace {

std::string ErrorText(rd_kafka_resp_err_t err) { return rd_kafka_err2str(err); }

}  // namespace

StatusOr<std::unique_ptr<KafkaTopics>> KafkaTopics::Open(const KafkaEventLogOptions& o) {
  StatusOr<RdKafkaConfPtr> conf = MakeKafkaConf(KafkaClientConfig(o));
  if (!conf.ok()) return conf.status();
  StatusOr<RdKafkaPtr> client = NewKafkaHandle(RD_KAFKA_CONSUMER, std::move(*conf));
  if (!client.ok()) return client.status();
  StatusOr<std::map<std::string, int>> partitions = FindTopics(client->get(), o);
  if (!partitions.ok()) return partitions.status();
  // Uses are still written to the usage topic, but a node that follows lastused never reads it.
  if (o.read_lastused) partitions->erase(o.usage_topic());
  return std::unique_ptr<KafkaTopics>(
      new KafkaTopics(std::move(*client), std::move(*partitions), o.append_timeout));
}

StatusOr<RdKafkaMetadataPtr> KafkaTopics::AllTopics(rd_kafka_t* rk, const KafkaEventLogOptions& o) {
  // Asked a second at a time, so that brokers refusing our credentials end the wait at once.
  ClearKafkaAuthError();
  auto deadline = std::chrono::steady_clock::now() + o.connect_timeout;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    int wait = static_cast<int>(std::clamp<int64_t>(left.count(), 1, 1000));
    // Ask for all topics: asking for one by name may make a broker create it.
    const rd_kafka_metadata_t* raw = nullptr;
    err = rd_kafka_metadata(rk, 1, nullptr, &raw, wait);
    if (!err) return RdKafkaMetadataPtr(raw);
    rd_kafka_poll(rk, 0);  // serves the error callback, which records authentication failures
    if (std::string auth = LastKafkaAuthError(); !auth.empty()) {
      std::string user = "(none)";
      for (const auto& [k, v] : o.extra) {
        if (k == "sasl.username") user = v;
      }
      return Status::FailedPrecondition(
          "the Kafka brokers at " + o.brokers + " refused witd's credentials (SASL user " + user +
          "): " + auth + "; check --kafka-config sasl.username and sasl.password");
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
  }
  return Status::Unavailable("cannot reach the Kafka brokers at " + o.brokers + ": " +
                             ErrorText(err) +
                             "; check --kafka-brokers (and --kafka-config for TLS/SASL)");
}

StatusOr<std::map<std::string, int>> KafkaTopics::FindTopics(rd_kafka_t* rk,
                                                             const KafkaEventLogOptions& o) {
  // A topic created a moment ago may not have reached the broker asked yet: ask again for a
  // few seconds before calling it missing.
  auto deadline = std::chrono::steady_clock::now() + kTopicWait;
  while (true) {
    StatusOr<RdKafkaMetadataPtr> metadata = AllTopics(rk, o);
    if (!metadata.ok()) return metadata.status();
    RdKafkaMetadataPtr md = std::move(*metadata);
    std::map<std::string, int> partitions;
    std::string missing;
    std::vector<std::string> wanted = {o.lifecycle_topic(), o.usage_topic()};
    if (o.read_lastused) wanted.push_back(o.lastused_topic());
    for (const std::string& topic : wanted) {
      for (int i = 0; i < md->topic_cnt; ++i) {
        const rd_kafka_metadata_topic_t& t = md->topics[i];
        if (topic != t.topic || t.err) continue;
        // Counted only once every partition has a leader: a new topic is usable from then on.
        bool led =
            std::all_of(t.partitions, t.partitions + t.partition_cnt,
                        [](const rd_kafka_metadata_partition_t& p) { return p.leader >= 0; });
        if (led) partitions[topic] = t.partition_cnt;
      }
      if (!partitions.count(topic) || partitions[topic] == 0) {
        if (missing.empty()) missing = topic;
      }
    }
    if (missing.empty()) return partitions;
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::FailedPrecondition("Kafka topic " + missing + " does not exist on " +
                                        o.brokers +
                                        "; create it (witd kafka create-topics), or check "
                                        "--topic-prefix");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

StatusOr<LogPositions> KafkaTopics::OffsetsForTime(TimeMs t) {
  RdKafkaPartitionsPtr list(rd_kafka_topic_partition_list_new(8));
  for (const auto& [topic, count] : partitions_) {
    for (int32_t p = 0; p < count; ++p) {
      rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset = t;
    }
  }
  rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(client_.get(), list.get(),
                                                       static_cast<int>(request_timeout_.count()));
  if (err) return Status::Unavailable("cannot look Kafka offsets up by time: " + ErrorText(err));
  LogPositions out;
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& tp = list->elems[i];
    if (tp.err) {
      return Status::Unavailable("cannot look Kafka offsets up by time: " + ErrorText(tp.err));
    }
    // -1 means no record at or after t on Apache Kafka, but librdkafka's mock answers it too
    // for a time it cannot look up: such a stream is left out, to be read from its start.
    if (tp.offset >= 0) out[KafkaStream(tp.topic, tp.partition)] = static_cast<uint64_t>(tp.offset);
  }
  return out;
}

StatusOr<LogPositions> KafkaTopics::Watermarks(bool high_marks) {
  LogPositions end;
  for (const auto& [topic, count] : partitions_) {
    for (int32_t p = 0; p < count; ++p) {
      int64_t low = 0, high = 0;
      // With the brokers down this can wait longer than its timeout (librdkafka waits on the
      // request itself), so nothing that must answer promptly, like /metrics, calls it.
      // A partition created a moment ago may not be ready on its leader yet: ask again for a
      // few seconds when the broker says it does not know it or has no leader for it.
      auto deadline = std::chrono::steady_clock::now() + kTopicWait;
      rd_kafka_resp_err_t err;
      while (true) {
        err = rd_kafka_query_watermark_offsets(client_.get(), topic.c_str(), p, &low, &high,
                                               static_cast<int>(request_timeout_.count()));
        bool not_ready = err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
                         err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE ||
                         err == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION;
        if (!not_ready || std::chrono::steady_clock::now() >= deadline) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (err) return Status::Unavailable("cannot read Kafka watermarks: " + ErrorText(err));
      end[KafkaStream(topic, p)] = static_cast<uint64_t>(high_marks ? high : low);
    }
  }
  return end;
}

}  // namespace wit
