#include "ledger/kafka_admin.h"

#include <algorithm>
#include <memory>
#include <thread>

namespace wit {
namespace {

struct AdminDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
  void operator()(rd_kafka_AdminOptions_t* o) const { rd_kafka_AdminOptions_destroy(o); }
  void operator()(rd_kafka_NewTopic_t* t) const { rd_kafka_NewTopic_destroy(t); }
  void operator()(rd_kafka_ConfigResource_t* c) const { rd_kafka_ConfigResource_destroy(c); }
};
using QueuePtr = std::unique_ptr<rd_kafka_queue_t, AdminDeleter>;
using EventPtr = std::unique_ptr<rd_kafka_event_t, AdminDeleter>;
using OptionsPtr = std::unique_ptr<rd_kafka_AdminOptions_t, AdminDeleter>;
using NewTopicPtr = std::unique_ptr<rd_kafka_NewTopic_t, AdminDeleter>;
using ConfigResourcePtr = std::unique_ptr<rd_kafka_ConfigResource_t, AdminDeleter>;

OptionsPtr Options(rd_kafka_t* rk, rd_kafka_admin_op_t op, std::chrono::milliseconds timeout) {
  OptionsPtr o(rd_kafka_AdminOptions_new(rk, op));
  char err[256];
  int ms = static_cast<int>(timeout.count());
  rd_kafka_AdminOptions_set_request_timeout(o.get(), ms, err, sizeof err);
  if (op == RD_KAFKA_ADMIN_OP_CREATETOPICS) {
    // Wait until the controller has created the topics, so that they can be used at once.
    rd_kafka_AdminOptions_set_operation_timeout(o.get(), ms, err, sizeof err);
  }
  return o;
}

// Await waits for the result of one admin request on `q`.
StatusOr<EventPtr> Await(rd_kafka_queue_t* q, std::chrono::milliseconds timeout,
                         const std::string& what) {
  EventPtr ev(rd_kafka_queue_poll(q, static_cast<int>(timeout.count()) + 5000));
  if (!ev) return Status::Unavailable("Kafka did not answer " + what + " in time");
  if (rd_kafka_event_error(ev.get())) {
    return Status::Unavailable("Kafka refused " + what + ": " +
                               rd_kafka_event_error_string(ev.get()));
  }
  return ev;
}

std::string Describe(const std::map<std::string, std::string>& config) {
  std::string out;
  for (const auto& [k, v] : config) out += (out.empty() ? "" : ", ") + k + "=" + v;
  return out;
}

}  // namespace

std::vector<TopicSpec> KafkaTopicSpecs(const std::string& prefix, int partitions,
                                       int replication_factor,
                                       std::optional<int64_t> usage_retention_ms) {
  std::map<std::string, std::string> common = {{"cleanup.policy", "delete"},
                                               {"unclean.leader.election.enable", "false"}};
  if (replication_factor >= 3) common["min.insync.replicas"] = "2";
  TopicSpec lifecycle{prefix + "tokens.lifecycle", partitions, replication_factor, common};
  lifecycle.config["retention.ms"] = "-1";
  lifecycle.config["retention.bytes"] = "-1";
  TopicSpec usage{prefix + "tokens.usage", partitions, replication_factor, common};
  usage.config["retention.ms"] = usage_retention_ms ? std::to_string(*usage_retention_ms) : "-1";
  usage.config["retention.bytes"] = "-1";
  // Each token's latest uses (usage_coalescer.h): compacted, so the latest record of each key
  // stays for good and the older ones go. Segments roll hourly, so that compaction, which
  // never touches the segment being written, can run.
  TopicSpec lastused{prefix + "tokens.lastused", partitions, replication_factor, common};
  lastused.config["cleanup.policy"] = "compact";
  lastused.config["segment.ms"] = "3600000";
  return {lifecycle, usage, lastused};
}

StatusOr<KafkaAdmin> KafkaAdmin::Open(const std::string& brokers, const KafkaConfig& extra,
                                      std::chrono::milliseconds timeout) {
  KafkaConfig settings = {{"bootstrap.servers", brokers}, {"client.id", "witd-admin"}};
  settings.insert(settings.end(), extra.begin(), extra.end());
  StatusOr<RdKafkaConfPtr> conf = MakeKafkaConf(settings);
  if (!conf.ok()) return conf.status();
  StatusOr<RdKafkaPtr> rk = NewKafkaHandle(RD_KAFKA_PRODUCER, std::move(*conf));
  if (!rk.ok()) return rk.status();
  const rd_kafka_metadata_t* raw = nullptr;
  if (rd_kafka_resp_err_t err =
          rd_kafka_metadata(rk->get(), 0, nullptr, &raw, static_cast<int>(timeout.count()))) {
    return Status::Unavailable("cannot reach the Kafka brokers at " + brokers + ": " +
                               rd_kafka_err2str(err) +
                               "; check --kafka-brokers (and --kafka-config for TLS/SASL)");
  }
  rd_kafka_metadata_destroy(raw);
  return KafkaAdmin(std::move(*rk), timeout);
}

Status KafkaAdmin::CreateTopics(const std::vector<TopicSpec>& specs,
                                std::vector<std::string>* report) {
  std::vector<NewTopicPtr> owned;
  std::vector<rd_kafka_NewTopic_t*> topics;
  char err[512];
  for (const TopicSpec& spec : specs) {
    owned.emplace_back(rd_kafka_NewTopic_new(spec.name.c_str(), spec.partitions,
                                             spec.replication_factor, err, sizeof err));
    if (!owned.back()) return Status::InvalidArgument("topic " + spec.name + ": " + err);
    for (const auto& [k, v] : spec.config) {
      rd_kafka_NewTopic_set_config(owned.back().get(), k.c_str(), v.c_str());
    }
    topics.push_back(owned.back().get());
  }
  QueuePtr q(rd_kafka_queue_new(rk_.get()));
  OptionsPtr options = Options(rk_.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout_);
  rd_kafka_CreateTopics(rk_.get(), topics.data(), topics.size(), options.get(), q.get());
  StatusOr<EventPtr> ev = Await(q.get(), timeout_, "CreateTopics");
  if (!ev.ok()) return ev.status();
  size_t n = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev->get()), &n);
  std::string differences;
  for (size_t i = 0; i < n; ++i) {
    std::string name = rd_kafka_topic_result_name(results[i]);
    rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
    const char* why = rd_kafka_topic_result_error_string(results[i]);
    auto spec = std::find_if(specs.begin(), specs.end(),
                             [&](const TopicSpec& s) { return s.name == name; });
    if (spec == specs.end()) {
      return Status::FailedPrecondition("cannot create " + name + ": " +
                                        (why ? why : rd_kafka_err2str(e)));
    }
    if (Status s = TopicOutcome(*spec, e, why, report, &differences); !s.ok()) return s;
  }
  if (!differences.empty()) {
    return Status::FailedPrecondition(differences.substr(2) +
                                      "; change them with kafka-configs.sh --alter, or delete "
                                      "and recreate the topic while it holds no events");
  }
  return Status::OK();
}

Status KafkaAdmin::TopicOutcome(const TopicSpec& spec, rd_kafka_resp_err_t error, const char* why,
                                std::vector<std::string>* report, std::string* differences) {
  if (!error) {
    // Report it only once a broker can describe it, so that it can be used at once.
    if (StatusOr<std::map<std::string, std::string>> c = DescribeTopic(spec.name); !c.ok()) {
      return c.status();
    }
    report->push_back("created " + spec.name + ": " + std::to_string(spec.partitions) +
                      " partitions, replication factor " + std::to_string(spec.replication_factor) +
                      ", " + Describe(spec.config));
    return Status::OK();
  }
  if (error != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
    return Status::FailedPrecondition("cannot create " + spec.name + ": " +
                                      (why ? why : rd_kafka_err2str(error)));
  }
  int partitions = 0;
  StatusOr<std::map<std::string, std::string>> actual = DescribeTopic(spec.name, &partitions);
  if (!actual.ok()) return actual.status();
  std::string differs;
  for (const auto& [k, want] : spec.config) {
    auto it = actual->find(k);
    std::string have = it == actual->end() ? "(unset)" : it->second;
    if (have != want) differs += " " + k + "=" + have + " (needs " + want + ")";
  }
  if (differs.empty()) {
    report->push_back(spec.name + " exists with the required settings (" +
                      std::to_string(partitions) + " partitions)");
  } else {
    *differences += "; " + spec.name + " exists with other settings:" + differs;
  }
  return Status::OK();
}

bool KafkaAdmin::HasController(std::chrono::milliseconds wait) {
  // The mock names controller 0, a broker that is not in its metadata (its brokers are 1..N).
  int32_t id = rd_kafka_controllerid(rk_.get(), static_cast<int>(wait.count()));
  const rd_kafka_metadata_t* raw = nullptr;
  if (id < 0 ||
      rd_kafka_metadata(rk_.get(), 0, nullptr, &raw, static_cast<int>(timeout_.count())) !=
          RD_KAFKA_RESP_ERR_NO_ERROR) {
    return false;
  }
  RdKafkaMetadataPtr md(raw);
  for (int i = 0; i < md->broker_cnt; ++i) {
    if (md->brokers[i].id == id) return true;
  }
  return false;
}

StatusOr<int> KafkaAdmin::BrokerCount() {
  const rd_kafka_metadata_t* raw = nullptr;
  if (rd_kafka_resp_err_t err =
          rd_kafka_metadata(rk_.get(), 0, nullptr, &raw, static_cast<int>(timeout_.count()))) {
    return Status::Unavailable(std::string("cannot read Kafka metadata: ") + rd_kafka_err2str(err));
  }
  RdKafkaMetadataPtr md(raw);
  return md->broker_cnt;
}

StatusOr<std::map<std::string, std::string>> KafkaAdmin::DescribeTopic(const std::string& topic,
                                                                       int* partitions) {
  if (partitions) {
    const rd_kafka_metadata_t* raw = nullptr;
    if (rd_kafka_resp_err_t err =
            rd_kafka_metadata(rk_.get(), 1, nullptr, &raw, static_cast<int>(timeout_.count()))) {
      return Status::Unavailable(std::string("cannot read Kafka metadata: ") +
                                 rd_kafka_err2str(err));
    }
    RdKafkaMetadataPtr md(raw);
    *partitions = 0;
    for (int i = 0; i < md->topic_cnt; ++i) {
      if (topic == md->topics[i].topic) *partitions = md->topics[i].partition_cnt;
    }
  }
  // A topic just created may not have reached every broker yet: ask again for a while.
  auto deadline = std::chrono::steady_clock::now() + timeout_;
  while (true) {
    bool unknown = false;
    StatusOr<std::map<std::string, std::string>> config = DescribeOnce(topic, &unknown);
    if (!unknown || std::chrono::steady_clock::now() >= deadline) return config;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

StatusOr<std::map<std::string, std::string>> KafkaAdmin::DescribeOnce(const std::string& topic,
                                                                      bool* unknown) {
  ConfigResourcePtr resource(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str()));
  rd_kafka_ConfigResource_t* resources[] = {resource.get()};
  QueuePtr q(rd_kafka_queue_new(rk_.get()));
  OptionsPtr options = Options(rk_.get(), RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, timeout_);
  rd_kafka_DescribeConfigs(rk_.get(), resources, 1, options.get(), q.get());
  StatusOr<EventPtr> ev = Await(q.get(), timeout_, "DescribeConfigs for " + topic);
  if (!ev.ok()) return ev.status();
  size_t n = 0;
  const rd_kafka_ConfigResource_t** results = rd_kafka_DescribeConfigs_result_resources(
      rd_kafka_event_DescribeConfigs_result(ev->get()), &n);
  if (n != 1) return Status::Unavailable("Kafka answered DescribeConfigs without " + topic);
  if (rd_kafka_resp_err_t e = rd_kafka_ConfigResource_error(results[0])) {
    *unknown = e == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
    const char* why = rd_kafka_ConfigResource_error_string(results[0]);
    return Status::FailedPrecondition("cannot read the configuration of " + topic + ": " +
                                      (why ? why : rd_kafka_err2str(e)));
  }
  size_t count = 0;
  const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(results[0], &count);
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < count; ++i) {
    const char* value = rd_kafka_ConfigEntry_value(entries[i]);
    out[rd_kafka_ConfigEntry_name(entries[i])] = value ? value : "";
  }
  return out;
}

Status CheckLifecycleTopicKeepsEvents(const std::string& topic,
                                      const std::map<std::string, std::string>& config) {
  auto value = [&](const std::string& key) {
    auto it = config.find(key);
    return it == config.end() ? std::string() : it->second;
  };
  auto refuse = [&](const std::string& key, const std::string& why, const std::string& fix) {
    return Status::FailedPrecondition(
        "Kafka topic " + topic + " has " + key + "=" + value(key) + ": " + why +
        ", and a node rebuilding its view would serve a partial truth; set " + fix +
        " (kafka-configs.sh --bootstrap-server ... --alter --entity-type topics --entity-name " +
        topic + " --add-config " + fix + ")");
  };
  if (value("cleanup.policy").find("compact") != std::string::npos) {
    return refuse("cleanup.policy", "compaction keeps only the last event of each token",
                  "cleanup.policy=delete");
  }
  if (value("retention.ms") != "-1") {
    return refuse("retention.ms", "Kafka deletes lifecycle events older than that",
                  "retention.ms=-1");
  }
  if (value("retention.bytes") != "-1" && !value("retention.bytes").empty()) {
    return refuse("retention.bytes", "Kafka deletes the oldest lifecycle events past that size",
                  "retention.bytes=-1");
  }
  if (value("unclean.leader.election.enable") == "true") {
    return refuse("unclean.leader.election.enable",
                  "a replica that is behind may become leader and drop acknowledged events",
                  "unclean.leader.election.enable=false");
  }
  return Status::OK();
}

}  // namespace wit
