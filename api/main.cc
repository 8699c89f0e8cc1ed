// witd: the token ledger server. `witd serve` runs the API, the ledger writer and the
// projector; `witd session issue` prints a session token for a user or a service.
#include <malloc.h>
#include <signal.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <thread>

#include "api/kafka_commands.h"
#include "api/ledger_server.h"
#include "api/session_authority.h"
#include "base/logging.h"
#include "base/secret_file.h"
#include "base/utf8.h"
#include "ledger/kafka_handles.h"
#include "token/token.h"

namespace {

// TuneMalloc keeps glibc's malloc from holding on to freed memory under witd's load. By default
// each of up to 8 arenas per core keeps what its threads freed, and the mmap threshold rises
// after the first large free, so RocksDB's 1 MiB memtable blocks land in those arenas too: in
// the 10-minute soak, VmRSS less RocksDB's own buffers grew from 21 to 51 MB. One arena per core
// and a fixed 128 KiB threshold (large blocks are mmapped and returned when freed) stop that.
void TuneMalloc() {
  mallopt(M_ARENA_MAX, static_cast<int>(std::max(2u, std::thread::hardware_concurrency())));
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
}

int Serve(wit::LedgerServerOptions options) {
  TuneMalloc();
  // Block the stop signals in every thread; main waits for them with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  wit::LedgerServer server(std::move(options));
  if (wit::Status s = server.Start(); !s.ok()) {
    std::cerr << "witd: " << s.message() << "\n";
    return 1;
  }
  int sig = 0;
  sigwait(&stop_signals, &sig);
  wit::LogInfo(std::string("witd: ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") +
               ", draining and stopping");
  server.Shutdown();
  wit::LogInfo("witd: stopped");
  return 0;
}

int IssueSession(const std::string& user, const std::string& service, bool admin, int64_t ttl,
                 const std::string& data_dir, const std::string& secret_file) {
  if (!wit::IsIdentityName(user.empty() ? service : user)) {
    std::cerr << "witd: " << (user.empty() ? "--service" : "--user")
              << " must be 1 to 128 printable characters (no control characters, no line "
                 "breaks)\n";
    return 2;
  }
  std::string path = secret_file;
  if (path.empty()) {
    bool readable_by_others = false;
    (void)wit::CreatePrivateDir(data_dir, &readable_by_others);  // LoadOrCreate says what fails
    path = (std::filesystem::path(data_dir) / "session.key").string();
  }
  wit::StatusOr<std::string> key = wit::LoadOrCreateSessionKey(path);
  if (!key.ok()) {
    std::cerr << "witd: " << key.status().message() << "\n";
    return 1;
  }
  wit::Principal who;
  who.kind = user.empty() ? wit::Principal::Kind::kService : wit::Principal::Kind::kUser;
  who.name = user.empty() ? service : user;
  who.admin = admin;
  std::cout << wit::SessionAuthority(std::move(*key)).Issue(who, ttl) << "\n";
  return 0;
}

// ServeFlags holds `witd serve`'s flags that need converting after parsing.
struct ServeFlags {
  wit::LedgerServerOptions options;
  std::string use_audit = "sync";
  std::vector<std::string> kafka_config;
  std::string unsigned_before;
};

CLI::App* AddServe(CLI::App& app, ServeFlags* f) {
  wit::LedgerServerOptions& o = f->options;
  CLI::App* serve = app.add_subcommand("serve", "Serve the token API");
  serve->add_option("--listen", o.listen, "HOST:PORT to listen on")->capture_default_str();
  serve->add_option("--data-dir", o.data_dir, "Directory of the log, view and secrets")
      ->capture_default_str();
  serve->add_option("--kafka-brokers", o.kafka_brokers,
                    "Kafka bootstrap servers (HOST:PORT,...); without it the log is embedded");
  serve->add_option("--topic-prefix", o.topic_prefix, "Prefix of the Kafka topic names")
      ->capture_default_str();
  serve
      ->add_option("--kafka-config", f->kafka_config,
                   "KEY=VALUE passed to librdkafka (TLS, SASL, tuning); repeatable")
      ->take_all();
  serve->add_option("--tls-cert", o.tls_cert, "PEM certificate: serve HTTPS (TLS 1.2+)")
      ->check(CLI::ExistingFile);
  serve->add_option("--tls-key", o.tls_key, "PEM private key of --tls-cert")
      ->check(CLI::ExistingFile);
  serve
      ->add_option("--request-header-timeout", o.request_header_timeout_seconds,
                   "Seconds a request's head may take to arrive, however steadily its bytes "
                   "come (default 10)")
      ->check(CLI::Range(1, 3600));
  serve
      ->add_option("--max-connections-per-client", o.max_connections_per_client,
                   "Connections served at once from one address; more are closed at once "
                   "(default 128; raise it behind a proxy that pools more)")
      ->check(CLI::Range(1, 100000));
  serve
      ->add_option("--idle-timeout", o.idle_timeout_seconds,
                   "Seconds a connection may stay idle before it is closed (default 10)")
      ->check(CLI::Range(1, 3600));
  serve->add_option("--session-secret-file", o.session_secret_file,
                    "Session secret (default <data-dir>/session.key)");
  serve->add_option("--event-key-file", o.event_key_file,
                    "Key that authenticates lifecycle events, shared by every node of a cluster "
                    "(default <data-dir>/event.key)");
  serve->add_option("--log-signing-key", o.log_signing_key,
                    "Ed25519 seed that signs the log's checkpoints, shared by every node of a "
                    "cluster (default <data-dir>/log.key)");
  serve->add_option("--log-origin", o.log_origin, "Name of the log in its checkpoints")
      ->capture_default_str();
  serve->add_option("--auth-rules", o.auth_rules_file,
                    "JSON rules mapping a proxied request to the scope it needs "
                    "(/api/auth/forward), tried before the built-in git smart-HTTP rules");
  serve
      ->add_option("--max-lifetime-days", o.lifetime.max_days,
                   "Longest expiry a token may be given; one asked for without an expiry gets "
                   "this one (GitLab's default is 365)")
      ->check(CLI::Range(int64_t{1}, wit::kMaxExpiresInDays));
  serve->add_flag("--require-expiry", o.lifetime.require_expiry,
                  "Refuse tokens asked for without an expiry");
  serve->add_option("--webhook", o.webhook_url,
                    "POST a signed JSON notice of every token created, rotated, revoked or "
                    "leaked, and of expiries 30, 7 and 1 days ahead and on the day, to this URL");
  serve->add_option("--webhook-secret-file", o.webhook_secret_file,
                    "Secret (at least 32 bytes) the notices are signed with: X-Wit-Signature-256 "
                    "is sha256=HMAC-SHA256(secret, body) in hex, as GitHub's webhooks");
  serve->add_option("--webhook-expiry-scan-ms", o.webhook_expiry_scan_ms)
      ->check(CLI::Range(100, 86400000))
      ->group("");
  serve->add_option("--webhook-initial-backoff-ms", o.webhook_initial_backoff_ms)
      ->check(CLI::Range(10, 60000))
      ->group("");
  serve->add_option("--webhook-max-backoff-ms", o.webhook_max_backoff_ms)
      ->check(CLI::Range(10, 3600000))
      ->group("");
  serve->add_option("--github-scanning-keys", o.github_scanning_keys_file,
                    "GitHub's secret scanning public keys (the document of "
                    "api.github.com/meta/public_keys/secret_scanning): take its signed alerts on "
                    "POST /api/secret-scanning/github and revoke the tokens they report");
  // Hidden: a benchmark's switch (bench/README.md), never for a ledger that must be provable.
  serve->add_flag("--bench-skip-log-tree", o.bench_skip_log_tree)->group("");
  serve->add_option("--accept-unsigned-before", f->unsigned_before,
                    "STREAM=OFFSET,...: accept lifecycle records below these offsets without a "
                    "MAC (written before witd signed them; see `witd kafka lifecycle-end`)");
  serve
      ->add_option("--coalesce-uses-ms", o.coalesce_uses_ms,
                   "Kafka: apply uses from <prefix>tokens.lastused, to which the nodes (one "
                   "consumer group over the usage topic) write each token's latest uses every "
                   "this many ms, instead of every raw use (default 0: every raw use)")
      ->check(CLI::Range(0, 3600000));
  serve
      ->add_option("--max-staleness-ms", o.max_staleness_ms,
                   "Kafka: a check of a token whose lifecycle partition this node has not known "
                   "complete within this many ms answers 503, and /readyz is 503 meanwhile "
                   "(default 5000; the embedded log is never stale)")
      ->check(CLI::Range(500, 3600000));
  serve->add_option("--use-audit", f->use_audit, "Record uses before answering (sync) or after")
      ->check(CLI::IsMember({"sync", "async"}))
      ->capture_default_str();
  return serve;
}

int RunServe(ServeFlags f) {
  wit::StatusOr<wit::KafkaConfig> kafka_config = wit::ParseKafkaConfig(f.kafka_config);
  if (!kafka_config.ok()) {
    std::cerr << "witd: " << kafka_config.status().message() << "\n";
    return 2;
  }
  f.options.kafka_config = std::move(*kafka_config);
  wit::StatusOr<wit::LogPositions> unsigned_before = wit::ParsePositions(f.unsigned_before);
  if (!unsigned_before.ok()) {
    std::cerr << "witd: --accept-unsigned-before: " << unsigned_before.status().message() << "\n";
    return 2;
  }
  f.options.unsigned_before = std::move(*unsigned_before);
  f.options.use_audit =
      f.use_audit == "async" ? wit::UseRecorder::Mode::kAsync : wit::UseRecorder::Mode::kSync;
  return Serve(std::move(f.options));
}

// SessionFlags holds `witd session issue`'s flags.
struct SessionFlags {
  std::string user, service, data_dir = "./wit-data", secret_file;
  bool admin = false;
  int64_t ttl = 86400;
};

CLI::App* AddSessionIssue(CLI::App& app, SessionFlags* f) {
  CLI::App* session = app.add_subcommand("session", "Manage sessions");
  session->require_subcommand(1);
  CLI::App* issue = session->add_subcommand("issue", "Print a new session token on stdout");
  auto* user_opt = issue->add_option("--user", f->user, "User the session is for");
  auto* service_opt = issue->add_option("--service", f->service, "Service the credential is for");
  user_opt->excludes(service_opt);
  issue
      ->add_flag("--admin", f->admin,
                 "An admin's session (claim adm): the /api/admin routes act on every user's tokens")
      ->needs(user_opt);
  issue->add_option("--ttl", f->ttl, "Lifetime in seconds")
      ->check(CLI::Range(int64_t{1}, int64_t{366} * 86400))
      ->capture_default_str();
  auto* dir_opt = issue->add_option("--data-dir", f->data_dir, "Data dir holding session.key");
  issue->add_option("--session-secret-file", f->secret_file, "Session secret file")
      ->excludes(dir_opt);
  return issue;
}

// LogFlags holds `witd log public-key`'s flags.
struct LogFlags {
  std::string data_dir = "./wit-data", key_file, origin = "wit-ledger";
};

CLI::App* AddLogPublicKey(CLI::App& app, LogFlags* f) {
  CLI::App* log = app.add_subcommand("log", "The verifiable log");
  log->require_subcommand(1);
  CLI::App* key = log->add_subcommand(
      "public-key", "Print the key that verifies the log's checkpoints (name+hash+base64 key)");
  auto* dir_opt =
      key->add_option("--data-dir", f->data_dir, "Data dir holding log.key")->capture_default_str();
  key->add_option("--log-signing-key", f->key_file, "The signing key's file")->excludes(dir_opt);
  key->add_option("--log-origin", f->origin, "Name of the log, as witd serve's")
      ->capture_default_str();
  return key;
}

// PrintLogPublicKey prints the verifier key; the signing key is created if absent, as witd
// serve would.
int PrintLogPublicKey(const LogFlags& f) {
  wit::StatusOr<std::unique_ptr<wit::NoteSigner>> signer =
      wit::LoadLogSigner(f.key_file, f.data_dir, f.origin);
  if (!signer.ok()) {
    std::cerr << "witd: " << signer.status().message() << "\n";
    return 1;
  }
  std::cout << (*signer)->VerifierKey() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ::umask(077);  // keys, the log and the view are for witd's user only
  CLI::App app{"witd: the wit token ledger server"};
  app.require_subcommand(1);
  ServeFlags serve_flags;
  CLI::App* serve = AddServe(app, &serve_flags);
  SessionFlags session;
  CLI::App* issue = AddSessionIssue(app, &session);
  LogFlags log_flags;
  CLI::App* public_key = AddLogPublicKey(app, &log_flags);
  wit::KafkaCommandFlags kafka_flags;
  wit::AddKafkaCommands(app, &kafka_flags);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (*issue) {
    if (session.user.empty() == session.service.empty()) {
      std::cerr << "witd: session issue needs exactly one of --user or --service\n";
      return 2;
    }
    return IssueSession(session.user, session.service, session.admin, session.ttl, session.data_dir,
                        session.secret_file);
  }
  if (*serve) return RunServe(std::move(serve_flags));
  if (*public_key) return PrintLogPublicKey(log_flags);
  return wit::RunKafkaCommand(kafka_flags);
}
