#ifndef WIT_LEDGER_KAFKA_OPTIONS_H_
#define WIT_LEDGER_KAFKA_OPTIONS_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "ledger/event_auth.h"
#include "ledger/event_log.h"
#include "ledger/kafka_handles.h"

namespace wit {

// KafkaEventLogOptions say how the ledger's Kafka clients (kafka_event_log.h) reach the cluster.
struct KafkaEventLogOptions {
  std::string brokers;                             // bootstrap.servers
  std::string topic_prefix = kDefaultTopicPrefix;  // <prefix>tokens.lifecycle, <prefix>tokens.usage
  KafkaConfig extra;  // --kafka-config KEY=VALUE, applied to every client
  // How long an append may wait for its delivery report before it fails with Unavailable; also
  // how long a request for watermarks or offsets may take.
  std::chrono::milliseconds append_timeout{5000};
  // How long Open waits for the cluster's metadata.
  std::chrono::milliseconds connect_timeout{10000};
  // A read-only log (for wit-audit) makes no producer, so it needs no write or idempotent-write
  // rights on the cluster; its appends fail with FailedPrecondition.
  bool read_only = false;
  // Signs every token.created and token.revoked (a kEventMacHeader record header); null: none is
  // signed, and a projector checking MACs skips them.
  std::shared_ptr<const EventAuthenticator> signer;
  // Per lifecycle stream, the offset below which records from before signing are accepted
  // without a MAC (EventLog::UnsignedBefore): what the operator recorded, nothing more.
  LogPositions unsigned_before;
  // Readers follow <prefix>tokens.lastused (each token's latest uses, usage_coalescer.h)
  // instead of the raw usage topic, which is still where uses are written.
  bool read_lastused = false;

  std::string lifecycle_topic() const { return topic_prefix + "tokens.lifecycle"; }
  std::string usage_topic() const { return topic_prefix + "tokens.usage"; }
  std::string lastused_topic() const { return topic_prefix + "tokens.lastused"; }
  // The topic readers follow for uses: lastused_topic() or usage_topic().
  std::string read_usage_topic() const { return read_lastused ? lastused_topic() : usage_topic(); }
};

// KafkaClientConfig is what every client of the ledger sets: the brokers, a client.id ("witd",
// or "wit-audit" read-only), quick reconnection, then the operator's --kafka-config.
KafkaConfig KafkaClientConfig(const KafkaEventLogOptions& options);

// KafkaConsumerConfig is KafkaClientConfig for a consumer in `group` that moves no offset by
// itself (nothing committed or stored automatically) and reads a partition with nothing
// committed from its start. It waits at most `fetch_wait_ms` for records, and gives up a fetch
// a broker never answers (it went away with the request in flight) after 5 s, not librdkafka's
// default minute: a reader must resume soon after the brokers return. `more` comes after these
// settings, and the operator's --kafka-config after all of them, so either may override them.
KafkaConfig KafkaConsumerConfig(const KafkaEventLogOptions& options, const std::string& group,
                                int fetch_wait_ms, const KafkaConfig& more = {});

// LifecyclePartition returns the partition of a lifecycle topic of `partitions` partitions
// that holds `token_id`'s events: CRC32 of the id, librdkafka's default for a keyed record.
// witd names it when it writes, so that whatever partitioner --kafka-config sets, the node
// that checks a token knows which partition its revocation would be on.
int32_t LifecyclePartition(const std::string& token_id, int32_t partitions);

// KafkaStream names the stream of one partition: "<topic>/<partition>".
std::string KafkaStream(const std::string& topic, int32_t partition);

}  // namespace wit

#endif  // WIT_LEDGER_KAFKA_OPTIONS_H_
