#ifndef WIT_API_LEDGER_SERVER_H_
#define WIT_API_LEDGER_SERVER_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/checkpointer.h"
#include "api/connection_guard.h"
#include "api/forward_auth.h"
#include "api/metrics.h"
#include "api/secret_scanning.h"
#include "api/session_authority.h"
#include "api/token_service.h"
#include "api/use_recorder.h"
#include "api/webhook_notifier.h"
#include "ledger/event_log.h"
#include "ledger/kafka_freshness.h"
#include "projector/projector.h"
#include "projector/token_view.h"
#include "projector/usage_coalescer.h"

namespace Poco {
class ThreadPool;
namespace Net {
class TCPServer;
}  // namespace Net
}  // namespace Poco

namespace wit {

class ApiHandlerFactory;

struct LedgerServerOptions {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./wit-data";
  std::string session_secret_file;   // empty: <data_dir>/session.key
  std::string event_key_file;        // empty: <data_dir>/event.key
  std::string log_signing_key;       // empty: <data_dir>/log.key (the Ed25519 seed)
  bool bench_skip_log_tree = false;  // keep no Merkle tree: no checkpoints, no proofs (benches)
  std::string log_origin = "wit-ledger";  // checkpoints' origin "<log_origin>/<stream>", key name
  // Kafka: per lifecycle stream, the offset below which records from before witd signed them
  // are accepted without a MAC (`--accept-unsigned-before`).
  LogPositions unsigned_before;
  std::string kafka_brokers;  // empty: the embedded log under <data_dir>/log
  std::string topic_prefix = kDefaultTopicPrefix;
  std::vector<std::pair<std::string, std::string>> kafka_config;  // --kafka-config KEY=VALUE
  // Kafka: > 0 applies uses through <prefix>tokens.lastused, which this node's usage coalescer
  // (with the other nodes', one consumer group) writes every this many ms; 0 applies every raw
  // use (`--coalesce-uses-ms`).
  int coalesce_uses_ms = 0;
  // Kafka: a check of an active token whose lifecycle partition this node's view has not
  // known complete within this many ms answers 503, and /readyz is 503 while any partition is
  // so stale (`--max-staleness-ms`, kafka_freshness.h). The embedded log needs no bound.
  int max_staleness_ms = 5000;
  UseRecorder::Mode use_audit = UseRecorder::Mode::kSync;
  int max_threads = 256;  // HTTP worker threads; one per keep-alive connection in use
  // HTTPS when both are set: PEM certificate (chain) and private key; TLS 1.2 and later only.
  std::string tls_cert;
  std::string tls_key;
  // How long a connection may sit idle, between requests or within one, before it is closed:
  // a slow or silent client cannot hold a worker thread for longer.
  int idle_timeout_seconds = 10;
  // A request's head must have arrived this long after its connection was ready for it,
  // however steadily its bytes come (`--request-header-timeout`, connection_guard.h).
  int request_header_timeout_seconds = 10;
  // At most this many connections from one address are served at once; more are closed at
  // once (`--max-connections-per-client`).
  int max_connections_per_client = 128;
  // Forward auth's rules file (api/forward_auth.h), tried before the built-in git rules;
  // empty: the git rules only.
  std::string auth_rules_file;
  // Expiry policy for new and rotated tokens (--max-lifetime-days, --require-expiry).
  LifetimePolicy lifetime;
  // GitHub's secret scanning public keys (--github-scanning-keys); empty: no alerts taken.
  std::string github_scanning_keys_file;
  // Notices of token events and expiry warnings (--webhook, --webhook-secret-file); empty URL:
  // none. The state (outbox, cursor, warnings sent) lives in <data_dir>/webhook.
  std::string webhook_url;
  std::string webhook_secret_file;
  // Test seams (hidden flags): how often expiries are looked at, and the first retry's wait.
  int webhook_expiry_scan_ms = 60000;
  int webhook_initial_backoff_ms = 250;
  int webhook_max_backoff_ms = 30000;
};

// LedgerServer is witd's `serve`: it opens the event log (Kafka when brokers are given, else the
// embedded log in <data_dir>/log) and the view (<data_dir>/view, rebuilt from the log when
// missing), runs the projector, and serves the API
// over HTTP. Start returns once the port is listening; Shutdown stops accepting, lets requests
// in flight finish, flushes queued use events and closes the log.
class LedgerServer {
 public:
  explicit LedgerServer(LedgerServerOptions options);
  ~LedgerServer();
  LedgerServer(const LedgerServer&) = delete;
  LedgerServer& operator=(const LedgerServer&) = delete;

  Status Start();
  void Shutdown();

  // Port returns the port actually bound (useful with ":0").
  uint16_t Port() const;

 private:
  void RegisterMetrics();
  Status OpenLog();
  Status OpenView();
  // CheckUnsignedBefore refuses --accept-unsigned-before positions that are not lifecycle
  // partitions of `log` or lie past their end.
  Status CheckUnsignedBefore(EventLog& log);
  // CheckKafkaTopics refuses a lifecycle topic that could lose events (kafka_admin.h).
  Status CheckKafkaTopics(const std::string& lifecycle_topic);
  Status StartHttp(const std::pair<std::string, uint16_t>& listen);
  // StartWebhook starts the notifier when --webhook is given.
  Status StartWebhook();
  // StartFreshness bounds the view's staleness on Kafka (nothing to do on the embedded log).
  Status StartFreshness();
  // Ready says whether /readyz answers 200: caught up, and fresh.
  Status Ready() const;

  LedgerServerOptions options_;
  Metrics metrics_;
  std::shared_ptr<const EventAuthenticator> event_auth_;
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<TokenView> view_;
  std::unique_ptr<Projector> projector_;
  std::unique_ptr<UsageCoalescer> coalescer_;  // null unless coalesce_uses_ms > 0
  // With coalesce_uses_ms, from OpenLog until the coalescer is made (once the view is open).
  std::unique_ptr<KafkaGroupReader> lastused_reader_;
  KafkaEventLog* kafka_log_ = nullptr;         // log_ on Kafka, else null
  std::unique_ptr<KafkaFreshness> freshness_;  // on Kafka
  std::unique_ptr<UseRecorder> uses_;
  std::unique_ptr<SessionAuthority> sessions_;
  std::unique_ptr<TokenService> service_;
  std::unique_ptr<Checkpointer> checkpointer_;
  std::unique_ptr<WebhookNotifier> webhook_;
  AuthRules auth_rules_;
  std::optional<GitHubScanningKeys> github_keys_;
  // The HTTP workers. Shutdown() ends every one of them: a worker left alive at exit would
  // keep per-thread OpenSSL state that its thread-exit handler never frees.
  std::unique_ptr<Poco::ThreadPool> http_threads_;
  std::unique_ptr<ConnectionGuard> guard_;  // outlives http_'s connections
  ApiHandlerFactory* handlers_ = nullptr;   // owned by http_'s connection factory
  std::unique_ptr<Poco::Net::TCPServer> http_;
  LogPositions end_at_start_;
};

// LoadLogSigner reads (or, absent, creates with mode 0600) the log's signing key: a 32-byte
// Ed25519 seed at `file`, or <data_dir>/log.key when `file` is empty. Its name is `origin`.
StatusOr<std::unique_ptr<NoteSigner>> LoadLogSigner(const std::string& file,
                                                    const std::string& data_dir,
                                                    const std::string& origin);

// ParseListen splits "HOST:PORT" into its parts.
StatusOr<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen);

}  // namespace wit

#endif  // WIT_API_LEDGER_SERVER_H_
