#include "ledger/kafka_group_reader.h"

#include <algorithm>
#include <cstring>

#include "base/logging.h"

namespace wit {

void KafkaGroupReader::OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                   rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  auto* self = static_cast<KafkaGroupReader*>(opaque);
  bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    if (cooperative) {
      if (rd_kafka_error_t* e = rd_kafka_incremental_assign(rk, partitions)) {
        rd_kafka_error_destroy(e);
      }
    } else {
      rd_kafka_assign(rk, partitions);
    }
    return;
  }
  if (self->on_revoke_) self->on_revoke_();
  if (cooperative) {
    if (rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, partitions)) {
      rd_kafka_error_destroy(e);
    }
  } else {
    rd_kafka_assign(rk, nullptr);
  }
}

StatusOr<std::unique_ptr<KafkaGroupReader>> KafkaGroupReader::Open(
    const KafkaEventLogOptions& options, const std::string& topic, const std::string& group) {
  KafkaConfig settings =
      KafkaConsumerConfig(options, group, 100,
                          // A member that died has its partitions taken over after this (the
                          // brokers' smallest by default is 6 s).
                          {{"session.timeout.ms", "10000"}, {"heartbeat.interval.ms", "1000"}});
  StatusOr<RdKafkaConfPtr> conf = MakeKafkaConf(settings);
  if (!conf.ok()) return conf.status();
  // The reader is the callback's opaque, so it exists before its consumer.
  std::unique_ptr<KafkaGroupReader> reader(new KafkaGroupReader(topic));
  rd_kafka_conf_set_rebalance_cb(conf->get(), &KafkaGroupReader::OnRebalance);
  rd_kafka_conf_set_opaque(conf->get(), reader.get());
  StatusOr<RdKafkaPtr> consumer = NewKafkaHandle(RD_KAFKA_CONSUMER, std::move(*conf));
  if (!consumer.ok()) return consumer.status();
  reader->consumer_ = std::move(*consumer);
  rd_kafka_poll_set_consumer(reader->consumer_.get());
  RdKafkaPartitionsPtr topics(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(topics.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  if (rd_kafka_resp_err_t err = rd_kafka_subscribe(reader->consumer_.get(), topics.get())) {
    return Status::Unavailable("cannot subscribe to " + topic + ": " + rd_kafka_err2str(err));
  }
  return reader;
}

Status KafkaGroupReader::Read(size_t max, std::chrono::milliseconds wait,
                              std::vector<LogRecord>* out) {
  int timeout = static_cast<int>(wait.count());
  while (max > 0) {
    RdKafkaMessagePtr m(rd_kafka_consumer_poll(consumer_.get(), timeout));
    if (!m) return Status::OK();
    timeout = 0;  // then take what has arrived, without waiting for more
    if (m->err) {
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
      auto now = std::chrono::steady_clock::now();
      if (now - last_error_log_ >= kErrorLogInterval) {
        LogWarn("kafka group consumer of " + topic_ + ": " + rd_kafka_message_errstr(m.get()));
        last_error_log_ = now;
      }
      return Status::OK();
    }
    out->push_back({KafkaStream(rd_kafka_topic_name(m->rkt), m->partition),
                    static_cast<uint64_t>(m->offset),
                    std::string(static_cast<const char*>(m->payload), m->len), ""});
    --max;
  }
  return Status::OK();
}

Status KafkaGroupReader::Commit(const LogPositions& next) {
  if (next.empty()) return Status::OK();
  RdKafkaPartitionsPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(next.size())));
  for (const auto& [stream, offset] : next) {
    size_t slash = stream.rfind('/');
    if (slash == std::string::npos) continue;
    int32_t partition = std::stoi(stream.substr(slash + 1));
    rd_kafka_topic_partition_list_add(list.get(), stream.substr(0, slash).c_str(), partition)
        ->offset = static_cast<int64_t>(offset);
  }
  if (rd_kafka_resp_err_t err = rd_kafka_commit(consumer_.get(), list.get(), /*async=*/0)) {
    return Status::Unavailable("cannot commit the offsets of " + topic_ + ": " +
                               rd_kafka_err2str(err));
  }
  return Status::OK();
}

std::vector<std::string> KafkaGroupReader::Assigned() {
  std::vector<std::string> out;
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (rd_kafka_assignment(consumer_.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
  RdKafkaPartitionsPtr list(raw);
  for (int i = 0; i < list->cnt; ++i) {
    out.push_back(KafkaStream(list->elems[i].topic, list->elems[i].partition));
  }
  return out;
}

uint64_t KafkaGroupReader::Lag() {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (rd_kafka_assignment(consumer_.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
  RdKafkaPartitionsPtr list(raw);
  if (rd_kafka_position(consumer_.get(), list.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
  uint64_t lag = 0;
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = list->elems[i];
    int64_t low = 0;
    int64_t high = 0;
    if (rd_kafka_get_watermark_offsets(consumer_.get(), p.topic, p.partition, &low, &high) !=
            RD_KAFKA_RESP_ERR_NO_ERROR ||
        high < 0) {
      continue;
    }
    int64_t from = p.offset >= 0 ? p.offset : std::max<int64_t>(low, 0);
    if (high > from) lag += static_cast<uint64_t>(high - from);
  }
  return lag;
}

}  // namespace wit
