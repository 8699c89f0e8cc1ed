#include "tests/support/kafka_records.h"

#include <librdkafka/rdkafka.h>

#include <memory>

namespace wit::testing {

std::string DeleteRecordsBefore(const std::string& brokers, const std::string& topic,
                                int32_t partition, int64_t offset) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), err, sizeof err) !=
      RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return err;
  }
  std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> rk(
      rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err), &rd_kafka_destroy);
  if (!rk) return err;
  std::unique_ptr<rd_kafka_topic_partition_list_t, decltype(&rd_kafka_topic_partition_list_destroy)>
      before(rd_kafka_topic_partition_list_new(1), &rd_kafka_topic_partition_list_destroy);
  rd_kafka_topic_partition_list_add(before.get(), topic.c_str(), partition)->offset = offset;
  rd_kafka_DeleteRecords_t* request = rd_kafka_DeleteRecords_new(before.get());
  std::unique_ptr<rd_kafka_queue_t, decltype(&rd_kafka_queue_destroy)> queue(
      rd_kafka_queue_new(rk.get()), &rd_kafka_queue_destroy);
  rd_kafka_DeleteRecords(rk.get(), &request, 1, nullptr, queue.get());
  rd_kafka_DeleteRecords_destroy(request);
  std::unique_ptr<rd_kafka_event_t, decltype(&rd_kafka_event_destroy)> event(
      rd_kafka_queue_poll(queue.get(), 30000), &rd_kafka_event_destroy);
  if (!event) return "no answer to DeleteRecords within 30 s";
  if (rd_kafka_event_error(event.get())) return rd_kafka_event_error_string(event.get());
  const rd_kafka_DeleteRecords_result_t* result = rd_kafka_event_DeleteRecords_result(event.get());
  const rd_kafka_topic_partition_list_t* offsets =
      result ? rd_kafka_DeleteRecords_result_offsets(result) : nullptr;
  if (!offsets || offsets->cnt != 1) return "DeleteRecords answered no partition";
  if (offsets->elems[0].err) return rd_kafka_err2str(offsets->elems[0].err);
  return "";
}

}  // namespace wit::testing
