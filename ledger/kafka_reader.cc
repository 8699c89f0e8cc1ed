#include "ledger/kafka_reader.h"

#include <chrono>
#include <map>
#include <vector>

#include "base/logging.h"
#include "base/random.h"
#include "ledger/event_auth.h"
#include "ledger/kafka_handles.h"

namespace wit {
namespace {

std::string ErrorText(rd_kafka_resp_err_t err) { return rd_kafka_err2str(err); }

// How long a new reader waits for the partitions' leaders (LearnLeaders) before it assigns
// them anyway.
constexpr int kLeadersTimeoutMs = 5000;

// KafkaReader is a plain consumer with every partition of both topics assigned at the positions
// it was given; nothing is committed to Kafka (positions live in the view).
class KafkaReader : public LogReader {
 public:
  // `partitions` (topic → partition count) are all assigned, for the reader's whole life.
  KafkaReader(RdKafkaPtr consumer, std::map<std::string, int> partitions)
      : consumer_(std::move(consumer)), partitions_(std::move(partitions)) {}
  ~KafkaReader() override { rd_kafka_consumer_close(consumer_.get()); }

  Status Read(size_t max, std::chrono::milliseconds wait, std::vector<LogRecord>* out) override {
    // The first poll waits as asked. After a record, a fetch round trip is usually under a
    // millisecond away, so wait that long for more before returning what we have: batches make
    // the projector's writes cheaper.
    int timeout = static_cast<int>(wait.count());
    bool got_any = false;
    while (max > 0) {
      RdKafkaMessagePtr m(rd_kafka_consumer_poll(consumer_.get(), timeout));
      if (!m) return Status::OK();
      if (m->err) {
        if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) ReportError(m.get());
        if (!got_any) return Status::OK();
        continue;
      }
      got_any = true;
      timeout = kMoreWaitMs;
      out->push_back({KafkaStream(rd_kafka_topic_name(m->rkt), m->partition),
                      static_cast<uint64_t>(m->offset),
                      std::string(static_cast<const char*>(m->payload), m->len), MacOf(m.get())});
      --max;
    }
    return Status::OK();
  }

  LogPositions KnownEnd() override {
    LogPositions end;
    for (const auto& [topic, count] : partitions_) {
      for (int32_t p = 0; p < count; ++p) {
        int64_t low = 0, high = 0;
        // The watermarks cached from fetch responses: no request is made.
        if (rd_kafka_get_watermark_offsets(consumer_.get(), topic.c_str(), p, &low, &high) ==
                RD_KAFKA_RESP_ERR_NO_ERROR &&
            high >= 0) {
          end[KafkaStream(topic, p)] = static_cast<uint64_t>(high);
        }
      }
    }
    return end;
  }

 private:
  static constexpr int kMoreWaitMs = 2;

  // MacOf returns the record's last kEventMacHeader header, or "" when it has none. A record
  // with several is checked by its last, as Kafka's own clients read a header.
  static std::string MacOf(const rd_kafka_message_t* m) {
    rd_kafka_headers_t* headers = nullptr;
    if (rd_kafka_message_headers(m, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return "";
    const void* value = nullptr;
    size_t size = 0;
    if (rd_kafka_header_get_last(headers, kEventMacHeader, &value, &size) !=
            RD_KAFKA_RESP_ERR_NO_ERROR ||
        value == nullptr) {
      return "";
    }
    return std::string(static_cast<const char*>(value), size);
  }
  static constexpr auto kErrorLogInterval = std::chrono::seconds(10);

  // ReportError logs consumer errors, at most one line per kErrorLogInterval: a cluster that is
  // down reports the same error on every poll.
  void ReportError(const rd_kafka_message_t* m) {
    auto now = std::chrono::steady_clock::now();
    ++suppressed_;
    if (now - last_error_log_ < kErrorLogInterval) return;
    LogWarn("kafka consumer: " + std::string(rd_kafka_message_errstr(m)) + " (" +
            std::to_string(suppressed_) + " errors since the last report)");
    last_error_log_ = now;
    suppressed_ = 0;
  }

  RdKafkaPtr consumer_;
  std::map<std::string, int> partitions_;
  std::chrono::steady_clock::time_point last_error_log_{};
  uint64_t suppressed_ = 0;
};

// LearnLeaders asks the cluster for the partitions' leaders before they are assigned. A
// partition assigned while its leader is unknown, at an offset to look up (the log's start, for
// a view that has read nothing of it yet), has its lookup retried on a timer: librdkafka 2.0.2
// waits 500 ms, which was most of a fresh node's catch-up of 100 000 events (its debug log:
// "no current leader for partition: (re)starting offset query timer", and the query half a
// second later). Best effort: without an answer the lookup is retried as before.
void LearnLeaders(rd_kafka_t* consumer, const std::map<std::string, int>& partitions) {
  std::vector<RdKafkaTopicPtr> known;
  for (const auto& [topic, count] : partitions) {
    // A topic handle makes the topic one this client knows: the request below asks for those.
    known.emplace_back(rd_kafka_topic_new(consumer, topic.c_str(), nullptr));
  }
  // The answer itself is not read: librdkafka keeps the leaders it names in its cache.
  const rd_kafka_metadata_t* raw = nullptr;
  rd_kafka_resp_err_t err =
      rd_kafka_metadata(consumer, /*all_topics=*/0, nullptr, &raw, kLeadersTimeoutMs);
  RdKafkaMetadataPtr answer(raw);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    LogInfo("kafka reader: the partitions' leaders are not known yet (" + ErrorText(err) +
            "); reading starts once librdkafka learns them");
  }
}

}  // namespace

StatusOr<std::unique_ptr<LogReader>> OpenKafkaReader(const KafkaEventLogOptions& options,
                                                     const std::map<std::string, int>& partitions,
                                                     const LogPositions& start) {
  // The group is never joined (assign(), nothing committed), but librdkafka still looks its
  // coordinator up: name it as the ACLs of kafka-cluster.sh --sasl expect (witd-*, wit-audit*).
  std::string group = (options.read_only ? "wit-audit-reader-" : "witd-reader-") + NewUuid();
  KafkaConfig settings =
      KafkaConsumerConfig(options, group, 10, {{"isolation.level", "read_uncommitted"}});
  StatusOr<RdKafkaConfPtr> conf = MakeKafkaConf(settings);
  if (!conf.ok()) return conf.status();
  StatusOr<RdKafkaPtr> consumer = NewKafkaHandle(RD_KAFKA_CONSUMER, std::move(*conf));
  if (!consumer.ok()) return consumer.status();
  rd_kafka_poll_set_consumer(consumer->get());
  LearnLeaders(consumer->get(), partitions);

  RdKafkaPartitionsPtr list(rd_kafka_topic_partition_list_new(8));
  for (const auto& [topic, count] : partitions) {
    for (int32_t p = 0; p < count; ++p) {
      auto it = start.find(KafkaStream(topic, p));
      rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset =
          it == start.end() ? RD_KAFKA_OFFSET_BEGINNING : static_cast<int64_t>(it->second);
    }
  }
  if (rd_kafka_resp_err_t err = rd_kafka_assign(consumer->get(), list.get())) {
    return Status::Unavailable("cannot assign Kafka partitions: " + ErrorText(err));
  }
  return std::unique_ptr<LogReader>(new KafkaReader(std::move(*consumer), partitions));
}

}  // namespace wit
