#include "ledger/kafka_event_log.h"

#include "ledger/event_codec.h"
#include "ledger/kafka_reader.h"

namespace wit {

StatusOr<std::unique_ptr<KafkaEventLog>> KafkaEventLog::Open(const KafkaEventLogOptions& o) {
  StatusOr<std::unique_ptr<KafkaTopics>> topics = KafkaTopics::Open(o);
  if (!topics.ok()) return topics.status();
  std::unique_ptr<KafkaProducer> producer;
  if (!o.read_only) {
    StatusOr<std::unique_ptr<KafkaProducer>> made = KafkaProducer::Open(o);
    if (!made.ok()) return made.status();
    producer = std::move(*made);
  }
  return std::unique_ptr<KafkaEventLog>(
      new KafkaEventLog(o, std::move(*topics), std::move(producer)));
}

KafkaEventLog::KafkaEventLog(KafkaEventLogOptions options, std::unique_ptr<KafkaTopics> topics,
                             std::unique_ptr<KafkaProducer> producer)
    : options_(std::move(options)),
      lifecycle_topic_(options_.lifecycle_topic()),
      usage_topic_(options_.usage_topic()),
      lastused_topic_(options_.lastused_topic()),
      topics_(std::move(topics)),
      producer_(std::move(producer)) {}

KafkaRecord KafkaEventLog::ToRecord(const Event& e) const {
  KafkaRecord r{e.type == EventType::kUsed ? usage_topic_ : lifecycle_topic_, e.token_id,
                EncodeEvent(e), ""};
  if (e.type != EventType::kUsed) {
    if (options_.signer) r.mac = options_.signer->Sign(r.payload);
    r.partition = LifecyclePartition(e.token_id, lifecycle_partitions());
  }
  return r;
}

StreamRole KafkaEventLog::RoleOf(const std::string& stream) const {
  // Streams are "<topic>/<partition>"; anything not on the lifecycle topic is treated as usage,
  // the role that may change the least.
  return stream.compare(0, lifecycle_topic_.size() + 1, lifecycle_topic_ + "/") == 0
             ? StreamRole::kLifecycle
             : StreamRole::kUsage;
}

StatusOr<std::vector<LogPosition>> KafkaEventLog::Produce(const std::vector<KafkaRecord>& records,
                                                          std::vector<bool>* delivered) {
  if (!producer_) {
    if (delivered) delivered->assign(records.size(), false);
    return Status::FailedPrecondition("this Kafka event log is read-only");
  }
  return producer_->Produce(records, delivered);
}

StatusOr<LogPosition> KafkaEventLog::Append(const Event& event) {
  auto positions = Produce({ToRecord(event)});
  if (!positions.ok()) return positions.status();
  return positions->front();
}

Status KafkaEventLog::AppendBatch(const std::vector<Event>& events, std::vector<bool>* durable) {
  std::vector<KafkaRecord> records;
  records.reserve(events.size());
  for (const Event& e : events) records.push_back(ToRecord(e));
  return Produce(records, durable).status();
}

StatusOr<LogPosition> KafkaEventLog::AppendPayload(const std::string& topic, const std::string& key,
                                                   const std::string& payload,
                                                   const std::string& mac) {
  auto positions = Produce({{topic, key, payload, mac}});
  if (!positions.ok()) return positions.status();
  return positions->front();
}

Status KafkaEventLog::AppendRecords(const std::vector<KafkaRecord>& records) {
  return Produce(records).status();
}

int32_t KafkaEventLog::LastUsedPartition(const std::string& token_id) const {
  int32_t count = topics_->Partitions().at(lastused_topic_);
  // The partitioner reads neither the topic nor the opaques.
  return rd_kafka_msg_partitioner_murmur2(nullptr, token_id.data(), token_id.size(), count, nullptr,
                                          nullptr);
}

StatusOr<std::unique_ptr<LogReader>> KafkaEventLog::OpenReader(const LogPositions& start) {
  return OpenKafkaReader(options_, topics_->Partitions(), start);
}

StatusOr<LogPositions> KafkaEventLog::EndPositions() { return topics_->HighWatermarks(); }

StatusOr<LogPositions> KafkaEventLog::StartPositions() { return topics_->LowWatermarks(); }

StatusOr<LogPositions> KafkaEventLog::PositionsForTime(TimeMs t) {
  return topics_->OffsetsForTime(t);
}

}  // namespace wit
