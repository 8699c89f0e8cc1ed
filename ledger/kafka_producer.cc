#include "ledger/kafka_producer.h"

#include <algorithm>
#include <condition_variable>

#include "base/logging.h"

namespace wit {
namespace {

std::string ErrorText(rd_kafka_resp_err_t err) { return rd_kafka_err2str(err); }

}  // namespace

// Batch collects the delivery reports of one Produce call. It is shared with the callbacks so
// a caller that gives up waiting leaves nothing dangling.
struct KafkaProducer::Batch {
  std::mutex mu;
  std::condition_variable cv;
  size_t remaining = 0;
  rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::vector<LogPosition> positions;
  std::vector<bool> delivered;  // per record: its delivery report said it is written
};

namespace {
struct Slot {
  std::shared_ptr<void> batch;  // KafkaProducer::Batch, type-erased to keep Slot local
  size_t index;
};
}  // namespace

void KafkaProducer::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
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

StatusOr<RdKafkaPtr> KafkaProducer::NewClient(const KafkaEventLogOptions& o) {
  KafkaConfig settings = KafkaClientConfig(o);
  settings.insert(settings.begin(),
                  {{"enable.idempotence", "true"},
                   {"linger.ms", "1"},
                   {"message.timeout.ms", std::to_string(o.append_timeout.count())}});
  StatusOr<RdKafkaConfPtr> conf = MakeKafkaConf(settings);
  if (!conf.ok()) return conf.status();
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &KafkaProducer::OnDelivery);
  return NewKafkaHandle(RD_KAFKA_PRODUCER, std::move(*conf));
}

StatusOr<std::unique_ptr<KafkaProducer>> KafkaProducer::Open(const KafkaEventLogOptions& o) {
  StatusOr<RdKafkaPtr> producer = NewClient(o);
  if (!producer.ok()) return producer.status();
  return std::unique_ptr<KafkaProducer>(new KafkaProducer(o, std::move(*producer)));
}

KafkaProducer::KafkaProducer(KafkaEventLogOptions options, RdKafkaPtr producer)
    : options_(std::move(options)), producer_(std::move(producer)) {
  poller_ = std::thread([this] { Poll(); });
}

void KafkaProducer::Poll() {
  while (!stop_) {
    std::vector<std::shared_ptr<rd_kafka_t>> retired;
    std::shared_ptr<rd_kafka_t> producer;
    {
      std::lock_guard<std::mutex> lock(mu_);
      producer = producer_;
      retired = retired_;
    }
    // A replaced producer still owes the delivery reports of what it held.
    for (const auto& old : retired) {
      rd_kafka_poll(old.get(), 0);
      if (rd_kafka_outq_len(old.get()) == 0) {
        std::lock_guard<std::mutex> lock(mu_);
        retired_.erase(std::find(retired_.begin(), retired_.end(), old));
      }
    }
    rd_kafka_poll(producer.get(), 100);
  }
}

KafkaProducer::~KafkaProducer() {
  stop_ = true;
  if (poller_.joinable()) poller_.join();
  for (const auto& old : retired_) rd_kafka_flush(old.get(), 1000);
  rd_kafka_flush(producer_.get(), static_cast<int>(options_.append_timeout.count()));
  if (int left = rd_kafka_outq_len(producer_.get()); left > 0) {
    LogError("kafka: " + std::to_string(left) + " messages were still undelivered at close");
  }
}

std::shared_ptr<rd_kafka_t> KafkaProducer::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return producer_;
}

void KafkaProducer::ReplaceIfFatal(const std::shared_ptr<rd_kafka_t>& producer) {
  char reason[512] = "";
  rd_kafka_resp_err_t fatal = rd_kafka_fatal_error(producer.get(), reason, sizeof(reason));
  if (!fatal) return;
  std::lock_guard<std::mutex> lock(mu_);
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
  ++restarts_;
}

void KafkaProducer::TriggerFatalErrorForTesting() {
  rd_kafka_test_fatal_error(Current().get(), RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER,
                            "triggered by a test");
}

StatusOr<std::vector<LogPosition>> KafkaProducer::Produce(const std::vector<KafkaRecord>& records,
                                                          std::vector<bool>* delivered) {
  std::shared_ptr<rd_kafka_t> producer = Current();
  auto batch = std::make_shared<Batch>();
  batch->positions.resize(records.size());
  batch->delivered.resize(records.size());
  batch->remaining = records.size();
  // The analyzer cannot see that the released slot reaches OnDelivery (as the message's
  // opaque), which deletes it.
  // NOLINTNEXTLINE(clang-analyzer-cplusplus.NewDeleteLeaks)
  for (size_t i = 0; i < records.size(); ++i) {
    const KafkaRecord& r = records[i];
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
        producer.get(), RD_KAFKA_V_TOPIC(r.topic.c_str()), RD_KAFKA_V_PARTITION(r.partition),
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

}  // namespace wit
