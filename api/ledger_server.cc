#include "api/ledger_server.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerConnectionFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <filesystem>
#include <thread>

#include "api/api_handler.h"
#include "base/logging.h"
#include "base/secret_file.h"
#include "base/time_util.h"
#include "ledger/embedded_event_log.h"
#include "ledger/kafka_admin.h"
#include "ledger/kafka_event_log.h"
#include "ledger/kafka_group_reader.h"

namespace wit {

namespace {

// TlsContext makes the server's TLS context when a certificate and key are configured (null
// otherwise): TLS 1.2 or later, no client certificates, Mozilla's "intermediate" ciphers.
StatusOr<Poco::Net::Context::Ptr> TlsContext(const LedgerServerOptions& o) {
  if (o.tls_cert.empty() && o.tls_key.empty()) return Poco::Net::Context::Ptr();
  if (o.tls_cert.empty() || o.tls_key.empty()) {
    return Status::InvalidArgument("--tls-cert and --tls-key go together");
  }
  static const bool initialized = [] {
    Poco::Net::initializeSSL();
    return true;
  }();
  (void)initialized;
  try {
    Poco::Net::Context::Ptr context = new Poco::Net::Context(
        Poco::Net::Context::TLS_SERVER_USE, o.tls_key, o.tls_cert, "",
        Poco::Net::Context::VERIFY_NONE, 9, false,
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
        "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    context->enableSessionCache(false);
    return context;
  } catch (const Poco::Exception& ex) {
    return Status::FailedPrecondition("cannot use TLS certificate " + o.tls_cert + " and key " +
                                      o.tls_key + ": " + ex.displayText());
  }
}

}  // namespace

StatusOr<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return Status::InvalidArgument("--listen must be HOST:PORT");
  std::string host = listen.substr(0, colon);
  std::string port = listen.substr(colon + 1);
  if (host.empty() || port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
    return Status::InvalidArgument("--listen must be HOST:PORT, got \"" + listen + "\"");
  }
  return std::pair{host, static_cast<uint16_t>(std::stoi(port))};
}

LedgerServer::LedgerServer(LedgerServerOptions options) : options_(std::move(options)) {}

LedgerServer::~LedgerServer() { Shutdown(); }

Status LedgerServer::Start() {
  namespace fs = std::filesystem;
  StatusOr<std::pair<std::string, uint16_t>> listen = ParseListen(options_.listen);
  if (!listen.ok()) return listen.status();
  bool readable_by_others = false;
  if (Status s = CreatePrivateDir(options_.data_dir, &readable_by_others); !s.ok()) return s;
  if (readable_by_others) {
    LogWarn("data dir " + options_.data_dir + " can be read by other users, and it holds keys " +
            "and the audit trail: chmod 700 " + options_.data_dir);
  }
  auto secret_path = [&](const std::string& flag, const char* file) {
    return flag.empty() ? (fs::path(options_.data_dir) / file).string() : flag;
  };
  StatusOr<std::string> key = LoadOrCreateSecret(
      secret_path(options_.session_secret_file, "session.key"), "session secret");
  if (!key.ok()) return key.status();
  sessions_ = std::make_unique<SessionAuthority>(std::move(*key));
  StatusOr<std::string> event_key =
      LoadOrCreateSecret(secret_path(options_.event_key_file, "event.key"), "event key");
  if (!event_key.ok()) return event_key.status();
  event_auth_ = std::make_shared<const EventAuthenticator>(std::move(*event_key));

  if (Status s = OpenLog(); !s.ok()) return s;
  if (Status s = OpenView(); !s.ok()) return s;
  StatusOr<LogPositions> end = log_->EndPositions();
  if (!end.ok()) return end.status();
  end_at_start_ = *end;

  StatusOr<std::unique_ptr<NoteSigner>> signer =
      LoadLogSigner(options_.log_signing_key, options_.data_dir, options_.log_origin);
  if (!signer.ok()) return signer.status();

  Projector::Trees trees = Projector::Trees::kKept;
  if (options_.bench_skip_log_tree) {
    trees = Projector::Trees::kSkippedForBench;
    LogWarn(
        "--bench-skip-log-tree: the log's Merkle tree is not kept, so no checkpoint is "
        "signed and no proof answered; for measuring the tree's cost only");
  }
  projector_ = std::make_unique<Projector>(log_.get(), view_.get(), event_auth_, trees);
  if (Status s = projector_->Start(); !s.ok()) return s;
  if (lastused_reader_) {
    coalescer_ =
        std::make_unique<UsageCoalescer>(kafka_log_, view_.get(), std::move(lastused_reader_),
                                         std::chrono::milliseconds(options_.coalesce_uses_ms));
    coalescer_->Start();
  }
  checkpointer_ =
      std::make_unique<Checkpointer>(view_.get(), std::move(*signer), options_.log_origin);
  checkpointer_->Start();
  uses_ = std::make_unique<UseRecorder>(log_.get(), options_.use_audit, &metrics_);
  service_ = std::make_unique<TokenService>(log_.get(), view_.get(), uses_.get(), &metrics_);
  service_->SetLifetimePolicy(options_.lifetime);
  if (Status s = StartFreshness(); !s.ok()) return s;
  RegisterMetrics();
  if (Status s = StartWebhook(); !s.ok()) return s;
  if (Status s = StartHttp(*listen); !s.ok()) return s;
  LogInfo(std::string("witd listening on ") + (options_.tls_cert.empty() ? "" : "https://") +
          listen->first + ":" + std::to_string(Port()) + ", data dir " + options_.data_dir +
          ", event key " + event_auth_->KeyId());
  return Status::OK();
}

Status LedgerServer::StartWebhook() {
  if (options_.webhook_url.empty()) {
    if (!options_.webhook_secret_file.empty()) {
      return Status::InvalidArgument("--webhook-secret-file needs --webhook URL");
    }
    return Status::OK();
  }
  if (options_.webhook_secret_file.empty()) {
    return Status::InvalidArgument("--webhook needs --webhook-secret-file: notices are signed");
  }
  StatusOr<std::string> secret = ReadSecret(options_.webhook_secret_file, "webhook secret");
  if (!secret.ok()) return secret.status();
  // A secret written with echo or openssl rand -hex ends in a newline that is no part of it.
  while (!secret->empty() && (secret->back() == '\n' || secret->back() == '\r')) secret->pop_back();
  if (secret->size() < 32) {
    return Status::FailedPrecondition("the webhook secret " + options_.webhook_secret_file +
                                      " is shorter than 32 bytes");
  }
  WebhookNotifier::Options o;
  o.url = options_.webhook_url;
  o.secret = std::move(*secret);
  o.state_dir = (std::filesystem::path(options_.data_dir) / "webhook").string();
  o.expiry_scan = std::chrono::milliseconds(options_.webhook_expiry_scan_ms);
  o.initial_backoff = std::chrono::milliseconds(options_.webhook_initial_backoff_ms);
  o.max_backoff = std::chrono::milliseconds(
      std::max(options_.webhook_max_backoff_ms, options_.webhook_initial_backoff_ms));
  webhook_ = std::make_unique<WebhookNotifier>(log_.get(), view_.get(), event_auth_, &metrics_,
                                               std::move(o));
  if (Status s = webhook_->Start(); !s.ok()) return s;
  LogInfo("webhook: notices to " + webhook_->Where() + ", " + std::to_string(webhook_->queued()) +
          " queued");
  return Status::OK();
}

Status LedgerServer::StartFreshness() {
  if (!kafka_log_) return Status::OK();
  KafkaFreshness::Options o;
  o.bound = std::chrono::milliseconds(options_.max_staleness_ms);
  KafkaEventLogOptions kafka;
  kafka.brokers = options_.kafka_brokers;
  kafka.extra = options_.kafka_config;
  StatusOr<std::unique_ptr<KafkaFreshness>> f = KafkaFreshness::Start(
      kafka, kafka_log_->lifecycle_topic(), kafka_log_->lifecycle_partitions(),
      [this] { return view_->Positions(); }, o);
  if (!f.ok()) return f.status();
  freshness_ = std::move(*f);
  service_->SetFreshness(freshness_.get());
  LogInfo(
      "view freshness: a check of a token whose lifecycle partition was not known complete "
      "within " +
      std::to_string(options_.max_staleness_ms) +
      " ms answers 503 (--max-staleness-ms); its leader is asked every " +
      std::to_string(freshness_->options().probe_interval.count()) + " ms");
  return Status::OK();
}

Status LedgerServer::Ready() const {
  if (!view_->CaughtUpWith(end_at_start_)) {
    return Status::Unavailable("the view is still catching up with the event log");
  }
  return freshness_ ? freshness_->AllFresh() : Status::OK();
}

Status LedgerServer::OpenView() {
  namespace fs = std::filesystem;
  const fs::path view_dir = fs::path(options_.data_dir) / "view";
  bool rebuilding = !fs::exists(view_dir);
  auto view = TokenView::Open(view_dir.string());
  if (!view.ok() && !rebuilding) {
    // The view is derived from the log: a damaged one is set aside and rebuilt, not fatal.
    fs::path aside = view_dir;
    aside += ".damaged-" + std::to_string(NowMs());
    LogError(view.status().message() + "; moving it to " + aside.string() +
             " and rebuilding the view from the event log");
    std::error_code ec;
    fs::rename(view_dir, aside, ec);
    if (ec) {
      return Status::FailedPrecondition("cannot move the damaged view aside: " + ec.message());
    }
    rebuilding = true;
    view = TokenView::Open(view_dir.string());
  }
  if (!view.ok()) return view.status();
  view_ = std::move(*view);
  if (rebuilding) LogInfo("view is missing: rebuilding it from the event log");
  return Status::OK();
}

Status LedgerServer::StartHttp(const std::pair<std::string, uint16_t>& listen) {
  ApiContext context;
  context.service = service_.get();
  context.sessions = sessions_.get();
  context.metrics = &metrics_;
  context.ready = [this] { return Ready(); };
  context.checkpoints = checkpointer_.get();
  context.view = view_.get();
  if (!options_.auth_rules_file.empty()) {
    StatusOr<AuthRules> rules = AuthRules::Load(options_.auth_rules_file);
    if (!rules.ok()) return Status::InvalidArgument("--auth-rules: " + rules.status().message());
    auth_rules_ = std::move(*rules);
    LogInfo("forward auth: " + std::to_string(auth_rules_.size()) + " rules from " +
            options_.auth_rules_file + ", then the git smart-HTTP rules");
  }
  context.auth_rules = &auth_rules_;
  if (!options_.github_scanning_keys_file.empty()) {
    StatusOr<GitHubScanningKeys> keys =
        GitHubScanningKeys::Load(options_.github_scanning_keys_file);
    if (!keys.ok())
      return Status::InvalidArgument("--github-scanning-keys: " + keys.status().message());
    github_keys_ = std::move(*keys);
    LogInfo("secret scanning: " + std::to_string(github_keys_->size()) + " GitHub keys from " +
            options_.github_scanning_keys_file);
    context.github_keys = &*github_keys_;
  }
  StatusOr<Poco::Net::Context::Ptr> tls = TlsContext(options_);
  if (!tls.ok()) return tls.status();
  try {
    Poco::Net::SocketAddress address(listen.first, listen.second);
    Poco::Net::ServerSocket socket = tls->isNull()
                                         ? Poco::Net::ServerSocket(address, 256)
                                         : Poco::Net::SecureServerSocket(address, 256, *tls);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(options_.max_threads);
    params->setMaxQueued(1024);
    params->setKeepAlive(true);
    params->setMaxKeepAliveRequests(0);  // unlimited
    params->setKeepAliveTimeout(Poco::Timespan(options_.idle_timeout_seconds, 0));
    params->setTimeout(Poco::Timespan(options_.idle_timeout_seconds, 0));
    // Poco's default pool holds 16 threads; the server needs one per busy keep-alive connection.
    http_threads_ = std::make_unique<Poco::ThreadPool>(4, options_.max_threads, 60);
    // Poco's HTTPServer, built from its parts so that every connection runs under the guard.
    handlers_ = new ApiHandlerFactory(std::move(context));
    Poco::Net::HTTPRequestHandlerFactory::Ptr handlers(handlers_);
    guard_ = std::make_unique<ConnectionGuard>(
        ConnectionGuard::Options{options_.max_connections_per_client,
                                 std::chrono::seconds(options_.request_header_timeout_seconds),
                                 std::chrono::seconds(options_.idle_timeout_seconds)});
    http_ = std::make_unique<Poco::Net::TCPServer>(
        guard_->Wrap(new Poco::Net::HTTPServerConnectionFactory(params, handlers)), *http_threads_,
        socket, params);
    http_->start();
  } catch (const Poco::Exception& ex) {
    return Status::FailedPrecondition("cannot listen on " + options_.listen + ": " +
                                      ex.displayText());
  }
  return Status::OK();
}

Status LedgerServer::OpenLog() {
  if (options_.kafka_brokers.empty()) {
    if (options_.coalesce_uses_ms > 0) {
      return Status::InvalidArgument(
          "--coalesce-uses-ms needs --kafka-brokers: the embedded log has no usage topic to "
          "coalesce");
    }
    auto log = EmbeddedEventLog::Open((std::filesystem::path(options_.data_dir) / "log").string(),
                                      event_auth_);
    if (!log.ok()) return log.status();
    log_ = std::move(*log);
    return Status::OK();
  }
  for (const auto& [key, value] : options_.kafka_config) {
    if (key == "partitioner") {
      // A token's lifecycle events must stay on the partition every node looks at for it.
      return Status::InvalidArgument(
          "--kafka-config partitioner is not taken: witd places each token's lifecycle events "
          "itself, by CRC32 of the token id (librdkafka's default), so that every node knows "
          "which partition holds a revocation");
    }
  }
  KafkaEventLogOptions kafka;
  kafka.brokers = options_.kafka_brokers;
  kafka.topic_prefix = options_.topic_prefix;
  kafka.extra = options_.kafka_config;
  kafka.signer = event_auth_;
  kafka.unsigned_before = options_.unsigned_before;
  kafka.read_lastused = options_.coalesce_uses_ms > 0;
  for (const auto& [stream, offset] : kafka.unsigned_before) {
    LogInfo("event log: lifecycle records of " + stream + " below offset " +
            std::to_string(offset) + " are accepted without a MAC (--accept-unsigned-before)");
  }
  auto log = KafkaEventLog::Open(kafka);
  if (!log.ok()) return log.status();
  if (Status s = CheckKafkaTopics((*log)->lifecycle_topic()); !s.ok()) return s;
  if (Status s = CheckUnsignedBefore(**log); !s.ok()) return s;
  if (kafka.read_lastused) {
    StatusOr<std::unique_ptr<KafkaGroupReader>> reader = KafkaGroupReader::Open(
        kafka, kafka.usage_topic(), UsageCoalescer::GroupName(kafka.topic_prefix));
    if (!reader.ok()) return reader.status();
    lastused_reader_ = std::move(*reader);
  }
  kafka_log_ = log->get();
  log_ = std::move(*log);
  LogInfo("event log: Kafka at " + options_.kafka_brokers + ", topics " + options_.topic_prefix +
          "tokens.lifecycle and " + kafka.usage_topic() +
          (kafka.read_lastused
               ? ", uses applied from " + kafka.lastused_topic() + " (coalesced every " +
                     std::to_string(options_.coalesce_uses_ms) + " ms)"
               : ""));
  return Status::OK();
}

Status LedgerServer::CheckUnsignedBefore(EventLog& log) {
  if (options_.unsigned_before.empty()) return Status::OK();
  StatusOr<LogPositions> end = log.EndPositions();
  if (!end.ok()) return end.status();
  for (const auto& [stream, offset] : options_.unsigned_before) {
    // A stream that is not a lifecycle partition, or an offset past its end, would accept
    // unsigned records witd never wrote: refuse rather than fail open.
    if (log.RoleOf(stream) != StreamRole::kLifecycle || !end->count(stream)) {
      return Status::InvalidArgument("--accept-unsigned-before names " + stream +
                                     ", which is not a partition of the lifecycle topic");
    }
    if (offset > end->at(stream)) {
      return Status::InvalidArgument("--accept-unsigned-before: " + stream + "=" +
                                     std::to_string(offset) + " lies past the partition's end (" +
                                     std::to_string(end->at(stream)) +
                                     "); record it with witd kafka lifecycle-end");
    }
  }
  return Status::OK();
}

Status LedgerServer::CheckKafkaTopics(const std::string& lifecycle_topic) {
  StatusOr<KafkaAdmin> admin =
      KafkaAdmin::Open(options_.kafka_brokers, options_.kafka_config, std::chrono::seconds(10));
  if (!admin.ok()) return admin.status();
  if (!admin->HasController(std::chrono::seconds(3))) {
    LogWarn("kafka: the cluster names no controller and cannot describe " + lifecycle_topic +
            "'s settings (librdkafka's mock cluster, wit-devkafka?): its retention is not "
            "checked. Apache Kafka always names one");
    return Status::OK();
  }
  // A topic created a moment ago may be described by a broker that has not caught up with
  // it yet: ask again for a few seconds before refusing to start.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (true) {
    StatusOr<std::map<std::string, std::string>> config = admin->DescribeTopic(lifecycle_topic);
    Status s = config.ok() ? CheckLifecycleTopicKeepsEvents(lifecycle_topic, *config)
                           : Status::FailedPrecondition(
                                 config.status().message() +
                                 "; witd must read it (DescribeConfigs) to know that the topic "
                                 "keeps every event");
    if (s.ok() || std::chrono::steady_clock::now() >= deadline) return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

void LedgerServer::RegisterMetrics() {
  metrics_.Describe("wit_http_requests_total", "counter", "HTTP requests by route and status.");
  metrics_.Describe("wit_verify_total", "counter", "Token verifications by result.");
  metrics_.Describe("wit_verify_failures_total", "counter",
                    "Verifications answered active:false, by calling address (at most 1000).");
  metrics_.LimitSeries("wit_verify_failures_total", 1000);
  metrics_.Describe("wit_events_appended_total", "counter", "Events appended to the log.");
  metrics_.AddGauge(
      "wit_events_applied_total", "Events applied to the view by this process.",
      [this] { return static_cast<double>(projector_->applied()); }, "counter");
  for (int i = 0; i < kSkipReasonCount; ++i) {
    auto reason = static_cast<SkipReason>(i);
    metrics_.AddGauge(
        "wit_events_skipped_total",
        "Log records the projector skipped, by reason: malformed, wrong_stream (a type its "
        "stream may not carry), unsigned, bad_mac, other_key (lifecycle events without a valid "
        "MAC), foreign_user (a use naming another user than the token's).",
        [this, reason] { return static_cast<double>(projector_->skipped(reason)); }, "counter",
        {{"reason", SkipReasonName(reason)}});
  }
  // Read from the projector: the gauge never waits on the log (a Kafka query would block
  // /metrics for as long as the brokers are down).
  metrics_.AddGauge("wit_projector_lag_events",
                    "Durable events not yet applied to the view, as of the projector's last read "
                    "(-1: not known yet).",
                    [this] { return static_cast<double>(projector_->lag()); });
  metrics_.AddGauge(
      "wit_rocksdb_memory_bytes",
      "Memory RocksDB holds in buffers it bounds itself (memtables, block cache, "
      "table readers), for the view and the embedded log.",
      [this] { return static_cast<double>(view_->RocksDbMemory() + log_->RocksDbMemory()); });
  metrics_.Describe("wit_secret_scanning_alerts_total", "counter",
                    "GitHub secret scanning alerts, by outcome: accepted, unverified (a missing "
                    "or bad signature), malformed, failed (the log could not be written).");
  metrics_.Describe("wit_secret_scanning_reports_total", "counter",
                    "Tokens GitHub reported, by the label answered: true_positive (a token of "
                    "this ledger) or false_positive.");
  metrics_.Describe("wit_redacted_total", "counter",
                    "Tokens found in what a client sent (a user agent, a resource, an action, a "
                    "name, a reason) and redacted before it reached an event, by field.");
  metrics_.Describe("wit_leaked_tokens_revoked_total", "counter",
                    "Active tokens revoked because a leak report named them, by source.");
  metrics_.AddGauge("wit_webhook_queued", "Webhook notices waiting to be delivered.",
                    [this] { return webhook_ ? static_cast<double>(webhook_->queued()) : 0.0; });
  metrics_.Describe("wit_webhook_deliveries_total", "counter",
                    "Webhook delivery attempts, by result: delivered (2xx) or failed.");
  metrics_.Describe("wit_webhook_notices_total", "counter", "Webhook notices queued, by event.");
  metrics_.AddGauge(
      "wit_lastused_partitions",
      "Partitions of the usage topic this node coalesces into tokens.lastused now "
      "(--coalesce-uses-ms).",
      [this] { return coalescer_ ? static_cast<double>(coalescer_->partitions()) : 0.0; });
  metrics_.AddGauge(
      "wit_lastused_uses_read_total", "Usage records this node's coalescer read.",
      [this] { return coalescer_ ? static_cast<double>(coalescer_->read()) : 0.0; }, "counter");
  metrics_.AddGauge(
      "wit_lastused_skipped_total",
      "Usage records the coalescer skipped: not a token.used event that keeps its schema.",
      [this] { return coalescer_ ? static_cast<double>(coalescer_->skipped()) : 0.0; }, "counter");
  metrics_.AddGauge(
      "wit_lastused_written_total",
      "Uses the coalescer wrote to tokens.lastused: each token's latest of each address.",
      [this] { return coalescer_ ? static_cast<double>(coalescer_->written()) : 0.0; }, "counter");
  metrics_.AddGauge(
      "wit_lastused_superseded_total",
      "Uses the coalescer left out: the view had a newer use of the token, or another user's.",
      [this] { return coalescer_ ? static_cast<double>(coalescer_->superseded()) : 0.0; },
      "counter");
  metrics_.AddGauge(
      "wit_lastused_lag",
      "Usage records of this node's partitions its coalescer has not read yet; alert before "
      "the usage topic's retention reaches them.",
      [this] { return coalescer_ ? static_cast<double>(coalescer_->lag()) : 0.0; });
  metrics_.AddGauge(
      "wit_lastused_write_failures_total",
      "Writes to tokens.lastused that failed (retried at the next interval).",
      [this] { return coalescer_ ? static_cast<double>(coalescer_->write_failures()) : 0.0; },
      "counter");
  metrics_.AddGauge(
      "wit_lastused_view_read_failures_total",
      "Coalescer flushes that could not read the view for a use: it and the uses after it wait "
      "for the next interval, unwritten and uncommitted.",
      [this] { return coalescer_ ? static_cast<double>(coalescer_->view_read_failures()) : 0.0; },
      "counter");
  if (freshness_) {
    for (const auto& [stream, ms] : freshness_->StalenessMs()) {
      metrics_.AddGauge(
          "wit_view_staleness_seconds",
          "Per lifecycle partition, how long ago this node's view last held everything the "
          "partition's leader held (-1: not yet); checks of its tokens answer 503 past "
          "--max-staleness-ms.",
          [this, s = stream] {
            int64_t stale = freshness_->StalenessMs().at(s);
            return stale < 0 ? -1.0 : static_cast<double>(stale) / 1000.0;
          },
          "gauge", {{"stream", stream}});
    }
    metrics_.AddGauge(
        "wit_stale_refusals_total",
        "Checks of active tokens answered 503 because the view of their lifecycle partition "
        "may be stale.",
        [this] { return static_cast<double>(freshness_->Refusals()); }, "counter");
  }
  metrics_.AddGauge(
      "wit_http_connections_refused_total",
      "Connections closed unserved: their address had --max-connections-per-client already.",
      [this] { return guard_ ? static_cast<double>(guard_->refused()) : 0.0; }, "counter");
  metrics_.AddGauge(
      "wit_http_slow_requests_closed_total",
      "Connections closed because a request's head had not arrived within "
      "--request-header-timeout.",
      [this] { return guard_ ? static_cast<double>(guard_->timed_out()) : 0.0; }, "counter");
  metrics_.AddGauge("wit_use_audit_queued",
                    "token.used events waiting to be written (async, or a sync verify's).",
                    [this] { return static_cast<double>(uses_->queued()); });
}

uint16_t LedgerServer::Port() const { return http_ ? http_->port() : 0; }

void LedgerServer::Shutdown() {
  if (http_) {
    http_->stop();  // stop accepting; connections in flight run to the end of their request
    // Idle keep-alive connections would hold this for their whole timeout; requests in
    // flight finish in milliseconds, so two seconds is a generous bound.
    for (int i = 0; i < 100 && http_->currentConnections() > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    handlers_->AbortConnections();
    // Handlers still running (a write waits up to its visibility or delivery timeout) use the
    // service, the view and the log: wait for every one before those go.
    http_threads_->joinAll();
    // Verifies handed over to the use recorder are answered from its thread with the routes'
    // context, which goes with http_: they are written (or told why not) first.
    if (uses_) uses_->Stop();
    http_.reset();
    guard_.reset();
    http_threads_.reset();  // ends the idle workers too
  }
  if (uses_) uses_->Stop();
  // After the last uses are written. It writes what it holds and leaves the group; uses it had
  // not read yet are coalesced by the next owner of their partition.
  if (coalescer_) coalescer_->Stop();
  coalescer_.reset();
  if (webhook_) webhook_->Stop();
  webhook_.reset();
  if (projector_) projector_->Stop();
  if (checkpointer_) checkpointer_->Stop();
  checkpointer_.reset();
  service_.reset();
  freshness_.reset();  // reads the view
  uses_.reset();
  projector_.reset();
  view_.reset();
  log_.reset();
}

StatusOr<std::unique_ptr<NoteSigner>> LoadLogSigner(const std::string& file,
                                                    const std::string& data_dir,
                                                    const std::string& origin) {
  if (origin.find('/') != std::string::npos) {
    return Status::InvalidArgument(
        "--log-origin: a log's name holds no '/' (it begins "
        "\"<name>/<stream>\")");
  }
  std::string path = file.empty() ? (std::filesystem::path(data_dir) / "log.key").string() : file;
  StatusOr<std::string> seed = LoadOrCreateSecret(path, "log signing key");
  if (!seed.ok()) return seed.status();
  StatusOr<std::unique_ptr<NoteSigner>> signer = NoteSigner::Make(origin, *seed);
  if (!signer.ok()) return Status::InvalidArgument("--log-origin: " + signer.status().message());
  return signer;
}

}  // namespace wit
