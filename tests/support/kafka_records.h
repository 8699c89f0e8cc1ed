// Test-only: what an admin of the Kafka cluster can do to a topic's records.
#ifndef WIT_TESTS_SUPPORT_KAFKA_RECORDS_H_
#define WIT_TESTS_SUPPORT_KAFKA_RECORDS_H_

#include <cstdint>
#include <string>

namespace wit::testing {

// DeleteRecordsBefore deletes the records of `topic`'s `partition` below `offset` with Kafka's
// DeleteRecords admin request (what kafka-delete-records.sh sends), as an attacker with admin
// rights on the cluster could. Returns "" on success, else the error.
std::string DeleteRecordsBefore(const std::string& brokers, const std::string& topic,
                                int32_t partition, int64_t offset);

}  // namespace wit::testing

#endif  // WIT_TESTS_SUPPORT_KAFKA_RECORDS_H_
