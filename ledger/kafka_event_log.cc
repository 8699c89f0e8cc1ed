#include "ledger/kafka_event_log.h"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>

#include "base/logging.h"
#include "base/random.h"
#include "ledger/event_codec.h"

namespace wit {
namespace {

KafkaConfig CommonConfig(const KafkaEventLogOptions& o) {
  // Reconnect quickly after an outage (librdkafka's default backs off up to 10 s); writes wait
  // on it, and a revocation must reach every node soon after the brokers return.
  KafkaConfig c = {{"bootstrap.servers", o.brokers},
                   {"client.id", o.read_only ? "wit-audit" : "witd"},
                   {"reconnect.backoff.ms", "50"},
                   {"reconnect.backoff.max.ms", "1000"}};
  c.insert(c.end(), o.extra.begin(), o.extra.end());
  return c;
}

std::string ErrorText(rd_kafka_resp_err_t err) { return rd_kafka_err2str(err); }

}  // namespace

std::string KafkaStream(const std::string& topic, int32_t partition) {
  return topic + "/" + std::to_string(partition);
}

// Batch collects the delivery reports of one Produce call. It is shared with the callbacks so
// a caller that gives up waiting leaves nothing dangling.
struct KafkaEventLog::Batch {
  std::mutex mu;
  std::condition_variable cv;
  size_t remaining = 0;
  rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::vector<LogPosition> positions;
  std::vector<bool> delivered;  // per record: its delivery report said it is written
};

namespace {
struct Slot {
  std::shared_ptr<void> batch;  // KafkaEventLog::Batch, type-erased to keep Slot local
  size_t index;
};
}  // namespace

void KafkaEventLog::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  std::unique_ptr<Slot> slot(static_cast<Slot*>(m->_private));  // made in Produce
  auto batch = std::static_pointer_cast<Batch>(slot->batch);
  {
    std::lock_guard<std::mutex> lock(batch->mu);
    if (m->err) {
      batch->error = m->err;
    } else {
      batch->positions[slot->index] = {KafkaStream(rd_kafka_topic_name(m->rkt), m->partition),
                                       static_cast<uint64_t>(m->offset)};
      batch->delivered[slot->index] = true;
    }
    --batch->remaining;
  }
  batch->cv.notify_all();
}

StatusOr<RdKafkaPtr> KafkaEventLog::NewClient(const KafkaEventLogOptions& o) {
  KafkaConfig settings = CommonConfig(o);
  if (!o.read_only) {
    settings.insert(settings.begin(),
                    {{"enable.idempotence", "true"},
                     {"linger.ms", "1"},
                     {"message.timeout.ms", std::to_string(o.append_timeout.count())}});
  }
  StatusOr<RdKafkaConfPtr> conf = MakeKafkaConf(settings);
  if (!conf.ok()) return conf.status();
  if (!o.read_only) rd_kafka_conf_set_dr_msg_cb(conf->get(), &KafkaEventLog::OnDelivery);
  // A read-only log's handle is a consumer used only for metadata and watermarks.
  return NewKafkaHandle(o.read_only ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER, std::move(*conf));
}

StatusOr<RdKafkaMetadataPtr> KafkaEventLog::AllTopics(rd_kafka_t* rk,
                                                      const KafkaEventLogOptions& o) {
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

StatusOr<std::map<std::string, int>> KafkaEventLog::FindTopics(rd_kafka_t* rk,
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
    for (const std::string& topic :
         {o.topic_prefix + "tokens.lifecycle", o.topic_prefix + "tokens.usage"}) {
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

StatusOr<std::unique_ptr<KafkaEventLog>> KafkaEventLog::Open(const KafkaEventLogOptions& o) {
  StatusOr<RdKafkaPtr> producer = NewClient(o);
  if (!producer.ok()) return producer.status();

  StatusOr<std::map<std::string, int>> partitions = FindTopics(producer->get(), o);
  if (!partitions.ok()) return partitions.status();
  return std::unique_ptr<KafkaEventLog>(
      new KafkaEventLog(o, std::move(*producer), std::move(*partitions)));
}

KafkaEventLog::KafkaEventLog(KafkaEventLogOptions options, RdKafkaPtr producer,
                             std::map<std::string, int> partitions)
    : options_(std::move(options)),
      lifecycle_topic_(options_.topic_prefix + "tokens.lifecycle"),
      usage_topic_(options_.topic_prefix + "tokens.usage"),
      producer_(std::move(producer)),
      partitions_(std::move(partitions)) {
  if (options_.read_only) return;
  poller_ = std::thread([this] {
    while (!stop_) {
      std::vector<std::shared_ptr<rd_kafka_t>> retired;
      std::shared_ptr<rd_kafka_t> producer;
      {
        std::lock_guard<std::mutex> lock(producer_mu_);
        producer = producer_;
        retired = retired_;
      }
      // A replaced producer still owes the delivery reports of what it held.
      for (const auto& old : retired) {
        rd_kafka_poll(old.get(), 0);
        if (rd_kafka_outq_len(old.get()) == 0) {
          std::lock_guard<std::mutex> lock(producer_mu_);
          retired_.erase(std::find(retired_.begin(), retired_.end(), old));
        }
      }
      rd_kafka_poll(producer.get(), 100);
    }
  });
}

KafkaEventLog::~KafkaEventLog() {
  stop_ = true;
  if (poller_.joinable()) poller_.join();
  if (options_.read_only) return;
  for (const auto& old : retired_) rd_kafka_flush(old.get(), 1000);
  rd_kafka_flush(producer_.get(), static_cast<int>(options_.append_timeout.count()));
  if (int left = rd_kafka_outq_len(producer_.get()); left > 0) {
    LogError("kafka: " + std::to_string(left) + " messages were still undelivered at close");
  }
}

std::shared_ptr<rd_kafka_t> KafkaEventLog::Producer() const {
  std::lock_guard<std::mutex> lock(producer_mu_);
  return producer_;
}

void KafkaEventLog::ReplaceIfFatal(const std::shared_ptr<rd_kafka_t>& producer) {
  char reason[512] = "";
  rd_kafka_resp_err_t fatal = rd_kafka_fatal_error(producer.get(), reason, sizeof(reason));
  if (!fatal) return;
  std::lock_guard<std::mutex> lock(producer_mu_);
  if (producer_ != producer) return;  // another write replaced it already
  StatusOr<RdKafkaPtr> fresh = NewClient(options_);
  if (!fresh.ok()) {
    LogError("kafka: the producer failed for good (" + std::string(reason) +
             ") and a new one cannot be made: " + fresh.status().message());
    return;
  }
  LogError("kafka: the producer failed for good (" + ErrorText(fatal) + ": " + reason +
           "); writes go to a new producer from now on");
  retired_.push_back(std::move(producer_));
  producer_ = std::shared_ptr<rd_kafka_t>(std::move(*fresh));
  ++producer_restarts_;
}

void KafkaEventLog::TriggerFatalErrorForTesting() {
  rd_kafka_test_fatal_error(Producer().get(), RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER,
                            "triggered by a test");
}

KafkaEventLog::Record KafkaEventLog::ToRecord(const Event& e) const {
  Record r{e.type == EventType::kUsed ? usage_topic_ : lifecycle_topic_, e.token_id, EncodeEvent(e),
           ""};
  if (options_.signer && e.type != EventType::kUsed) r.mac = options_.signer->Sign(r.payload);
  return r;
}

StreamRole KafkaEventLog::RoleOf(const std::string& stream) const {
  // Streams are "<topic>/<partition>"; anything not on the lifecycle topic is treated as usage,
  // the role that may change the least.
  return stream.compare(0, lifecycle_topic_.size() + 1, lifecycle_topic_ + "/") == 0
             ? StreamRole::kLifecycle
             : StreamRole::kUsage;
}

StatusOr<std::vector<LogPosition>> KafkaEventLog::Produce(const std::vector<Record>& records,
                                                          std::vector<bool>* delivered) {
  if (options_.read_only) return Status::FailedPrecondition("this Kafka event log is read-only");
  std::shared_ptr<rd_kafka_t> producer = Producer();
  auto batch = std::make_shared<Batch>();
  batch->positions.resize(records.size());
  batch->delivered.resize(records.size());
  batch->remaining = records.size();
  // The analyzer cannot see that the released slot reaches OnDelivery (as the message's
  // opaque), which deletes it.
  // NOLINTNEXTLINE(clang-analyzer-cplusplus.NewDeleteLeaks)
  for (size_t i = 0; i < records.size(); ++i) {
    const Record& r = records[i];
    auto slot = std::make_unique<Slot>(Slot{batch, i});
    // producev takes the headers over when it succeeds, and leaves them to us when it fails.
    std::unique_ptr<rd_kafka_headers_t, decltype(&rd_kafka_headers_destroy)> headers(
        nullptr, &rd_kafka_headers_destroy);
    if (!r.mac.empty()) {
      headers.reset(rd_kafka_headers_new(1));
      rd_kafka_header_add(headers.get(), kEventMacHeader, -1, r.mac.data(),
                          static_cast<ssize_t>(r.mac.size()));
    }
    rd_kafka_resp_err_t err = rd_kafka_producev(
        producer.get(), RD_KAFKA_V_TOPIC(r.topic.c_str()),
        RD_KAFKA_V_KEY(r.key.data(), r.key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(r.payload.data()), r.payload.size()),
        RD_KAFKA_V_HEADERS(headers.get()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_OPAQUE(slot.get()), RD_KAFKA_V_END);
    if (err) {
      std::lock_guard<std::mutex> lock(batch->mu);
      batch->error = err;
      batch->remaining -= records.size() - i;
      break;
    }
    (void)headers.release();  // librdkafka's now
    (void)slot.release();     // the delivery callback's now: it deletes the slot
  }
  std::unique_lock<std::mutex> lock(batch->mu);
  // The delivery report comes at the latest when message.timeout.ms runs out.
  bool done = batch->cv.wait_for(lock, options_.append_timeout + std::chrono::seconds(5),
                                 [&] { return batch->remaining == 0; });
  // Only what was reported delivered counts; a record still in flight may land later, so a
  // retry after a timeout can write it twice (at least once, never lost).
  if (delivered) *delivered = batch->delivered;
  if (!done) return Status::Unavailable("the Kafka event log did not confirm the write in time");
  if (batch->error) {
    rd_kafka_resp_err_t error = batch->error;
    lock.unlock();
    // An idempotent producer that met a fatal error refuses every later write: make a new one,
    // so that this write fails but the next ones work, without restarting witd.
    ReplaceIfFatal(producer);
    return Status::Unavailable("the Kafka event log is unavailable: " + ErrorText(error));
  }
  return batch->positions;
}

StatusOr<LogPosition> KafkaEventLog::Append(const Event& event) {
  auto positions = Produce({ToRecord(event)});
  if (!positions.ok()) return positions.status();
  return positions->front();
}

Status KafkaEventLog::AppendBatch(const std::vector<Event>& events, std::vector<bool>* durable) {
  std::vector<Record> records;
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

StatusOr<LogPositions> KafkaEventLog::EndPositions() { return Watermarks(/*high_marks=*/true); }

StatusOr<LogPositions> KafkaEventLog::StartPositions() { return Watermarks(/*high_marks=*/false); }

StatusOr<LogPositions> KafkaEventLog::OffsetsForTime(TimeMs t) {
  RdKafkaPartitionsPtr list(rd_kafka_topic_partition_list_new(8));
  for (const auto& [topic, count] : partitions_) {
    for (int32_t p = 0; p < count; ++p) {
      rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset = t;
    }
  }
  rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(
      Producer().get(), list.get(), static_cast<int>(options_.append_timeout.count()));
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

StatusOr<LogPositions> KafkaEventLog::Watermarks(bool high_marks) {
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
        err = rd_kafka_query_watermark_offsets(Producer().get(), topic.c_str(), p, &low, &high,
                                               static_cast<int>(options_.append_timeout.count()));
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

// Reader is a plain consumer with every partition of both topics assigned at the positions
// it was given; nothing is committed to Kafka (positions live in the view).
class KafkaEventLog::Reader : public LogReader {
 public:
  // `partitions` (topic → partition count) are all assigned, for the reader's whole life.
  Reader(RdKafkaPtr consumer, std::map<std::string, int> partitions)
      : consumer_(std::move(consumer)), partitions_(std::move(partitions)) {}
  ~Reader() override { rd_kafka_consumer_close(consumer_.get()); }

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

StatusOr<std::unique_ptr<LogReader>> KafkaEventLog::OpenReader(const LogPositions& start) {
  KafkaConfig settings = CommonConfig(options_);
  // The group is never joined (assign(), nothing committed), but librdkafka still looks its
  // coordinator up: name it as the ACLs of kafka-cluster.sh --sasl expect (witd-*, wit-audit*).
  std::string group = (options_.read_only ? "wit-audit-reader-" : "witd-reader-") + NewUuid();
  settings.insert(settings.begin(), {{"group.id", group},
                                     {"enable.auto.commit", "false"},
                                     {"enable.auto.offset.store", "false"},
                                     {"auto.offset.reset", "earliest"},
                                     {"fetch.wait.max.ms", "10"},
                                     // A fetch the broker never answers (it went away with
                                     // the request in flight) is given up after this, not
                                     // librdkafka's default minute: the view must resume
                                     // soon after the brokers return.
                                     {"socket.timeout.ms", "5000"},
                                     {"fetch.error.backoff.ms", "50"},
                                     {"isolation.level", "read_uncommitted"}});
  StatusOr<RdKafkaConfPtr> conf = MakeKafkaConf(settings);
  if (!conf.ok()) return conf.status();
  StatusOr<RdKafkaPtr> consumer = NewKafkaHandle(RD_KAFKA_CONSUMER, std::move(*conf));
  if (!consumer.ok()) return consumer.status();
  rd_kafka_poll_set_consumer(consumer->get());

  RdKafkaPartitionsPtr list(rd_kafka_topic_partition_list_new(8));
  for (const auto& [topic, count] : partitions_) {
    for (int32_t p = 0; p < count; ++p) {
      auto it = start.find(KafkaStream(topic, p));
      rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset =
          it == start.end() ? RD_KAFKA_OFFSET_BEGINNING : static_cast<int64_t>(it->second);
    }
  }
  if (rd_kafka_resp_err_t err = rd_kafka_assign(consumer->get(), list.get())) {
    return Status::Unavailable("cannot assign Kafka partitions: " + ErrorText(err));
  }
  return std::unique_ptr<LogReader>(new Reader(std::move(*consumer), partitions_));
}

}  // namespace wit
