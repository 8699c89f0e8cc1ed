#include "audit-cli/audit_app.h"

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "audit-cli/audit_source.h"
#include "audit-cli/history_commands.h"
#include "audit-cli/replay_command.h"
#include "audit-cli/time_arg.h"
#include "audit-cli/verify_command.h"
#include "base/hex.h"
#include "base/random.h"
#include "token/scopes.h"
#include "token/token.h"

namespace wit {
namespace {

constexpr const char* kReplayExamples = R"(
Examples:
  wit-audit replay --data-dir ./wit-data --token-id 6f1c2a9e-0b7d-4f3e-9a51-2c8d7e4b1a00
  wit-audit replay --data-dir ./wit-data --user alice --type used --outcome denied --since 7d
  wit-audit replay --data-dir ./wit-data --since 2026-11-27T14:00:00Z --until 2026-11-27T15:00:00Z --format csv > window.csv
  printf '%s' "$LEAKED" | wit-audit replay --data-dir ./wit-data --token --format jsonl | jq .
  wit-audit replay --kafka-brokers kafka1:9092 --type revoked --follow
  wit-audit replay --data-dir ./wit-data --format ocsf > ocsf.jsonl
Times are RFC 3339 (2026-11-27T14:03:00Z), a date (2026-11-27), a span ago (7d, 12h, 30m) or now;
--since and --until are inclusive.
)";

constexpr const char* kTokensExamples = R"(
Examples:
  wit-audit tokens --data-dir ./wit-data --as-of 2026-11-27T14:03:00Z --token-id 6f1c2a9e-0b7d-4f3e-9a51-2c8d7e4b1a00
  wit-audit tokens --data-dir ./wit-data --as-of 2026-11-27T14:03:00Z --scope repo:write --status active
  wit-audit tokens --kafka-brokers kafka1:9092 --user alice --format json
The state at --as-of folds every event up to and including that instant, as the projector does.
)";

constexpr const char* kStatsExamples = R"(
Examples:
  wit-audit stats --data-dir ./wit-data
  wit-audit stats --data-dir ./wit-data --unused-since 30d --expiring-within 14d --format json
  wit-audit stats --kafka-brokers kafka1:9092 --user alice
)";

constexpr const char* kVerifyExamples = R"(
Examples:
  curl -s 'http://witd:8080/api/log/checkpoint?stream=log' > cp-monday
  witd log public-key --data-dir ./wit-data > log.pub
  wit-audit verify --data-dir ./wit-data --checkpoint cp-monday --public-key log.pub
  wit-audit verify --kafka-brokers kafka1:9092 --checkpoint cp-p0 --checkpoint cp-p1 \
      --public-key 'wit-ledger+e7c6eb6e+AepK...'
Without --checkpoint it prints each stream's size and root. Exits 1 when the log disagrees with
a checkpoint: a record deleted, changed, swapped or added before it, or a log cut short of it.
)";

constexpr const char* kHashExamples = R"(
Example:
  printf '%s' "$LEAKED" | wit-audit hash
Prints the tokenHash (lowercase hex SHA-256) to search for in other systems.
)";

// Flags holds every flag's text as given; Build turns it into checked options.
struct Flags {
  SourceOptions source;
  std::string progress = "auto";
  std::vector<std::string> token_ids;
  std::string token_hash, prefix, user, types, since, until, outcome, service, ip;
  std::string as_of = "now", status, scope;
  std::string unused_since = "90d", expiring_within = "7d";
  std::string format;
  bool follow = false;
  bool token_on_stdin = false;
  bool no_index = false;
  std::vector<std::string> checkpoints;
  std::string public_key;
};

void AddSourceFlags(CLI::App* cmd, Flags* f) {
  cmd->add_option("--data-dir", f->source.data_dir,
                  "witd's data dir (reads its log/, also while witd runs)");
  cmd->add_option("--kafka-brokers", f->source.kafka_brokers,
                  "Kafka bootstrap servers, host:port[,...]");
  cmd->add_option("--topic-prefix", f->source.topic_prefix, "Kafka topic prefix (default wit.)");
  cmd->add_option("--kafka-config", f->source.kafka_config,
                  "librdkafka setting KEY=VALUE (repeatable)");
  cmd->add_option("--event-key-file", f->source.event_key_file,
                  "witd's event key, to tell its lifecycle events from forged ones "
                  "(default <data-dir>/event.key)");
  cmd->add_option("--accept-unsigned-before", f->source.unsigned_before,
                  "Kafka: STREAM=OFFSET,... as given to witd serve");
  cmd->add_flag("--no-index", f->no_index,
                "scan the whole embedded log even where its index could answer (to cross-check)");
  cmd->add_option("--progress", f->progress,
                  "progress line on stderr: auto (when a terminal), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
}

void AddTokenFlags(CLI::App* cmd, Flags* f) {
  cmd->add_option("--token-id", f->token_ids, "token id (repeatable, or comma-separated)")
      ->delimiter(',');
  cmd->add_option("--token-hash", f->token_hash, "tokenHash: lowercase hex SHA-256 of the token");
  cmd->add_option("--prefix", f->prefix, "the token's 8-character prefix");
  cmd->add_option("--user", f->user, "the token owner's user id");
  cmd->add_flag("--token", f->token_on_stdin,
                "read a plaintext token from stdin and match its hash");
}

// ReadTokenHash reads one plaintext token from `in` and returns its hash. The token is never
// echoed, not even in an error.
StatusOr<std::string> ReadTokenHash(std::istream& in) {
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t begin = text.find_first_not_of(" \t\r\n");
  size_t end = text.find_last_not_of(" \t\r\n");
  if (begin == std::string::npos) return Status::InvalidArgument("no token on stdin");
  std::string token = text.substr(begin, end - begin + 1);
  if (Status s = CheckTokenFormat(token); !s.ok()) {
    return Status::InvalidArgument("stdin does not hold a wit token: " + s.message());
  }
  return HashToken(token);
}

// Criteria checks the token and user flags into `filter`.
Status Criteria(const Flags& f, std::istream& in, EventFilter* filter) {
  for (const std::string& id : f.token_ids) {
    if (!IsUuid(id)) return Status::InvalidArgument("--token-id \"" + id + "\" is not a UUID");
  }
  filter->token_ids = f.token_ids;
  if (!f.token_hash.empty()) {
    if (!IsSha256Hex(f.token_hash)) {
      return Status::InvalidArgument("--token-hash must be 64 lowercase hex characters (SHA-256)");
    }
    filter->token_hash = f.token_hash;
  }
  if (f.token_on_stdin) {
    if (filter->token_hash)
      return Status::InvalidArgument("give --token or --token-hash, not both");
    StatusOr<std::string> hash = ReadTokenHash(in);
    if (!hash.ok()) return hash.status();
    filter->token_hash = *hash;
  }
  if (!f.prefix.empty()) {
    if (!IsTokenPrefix(f.prefix)) {
      return Status::InvalidArgument("--prefix must be the token's 8 base62 characters");
    }
    filter->prefix = f.prefix;
  }
  if (!f.user.empty()) filter->user = f.user;
  return Status::OK();
}

Status Time(const std::string& flag, const std::string& text, TimeMs now, TimeMs* out) {
  StatusOr<TimeMs> t = ParseTimeArg(text, now);
  if (!t.ok()) return Status::InvalidArgument(flag + ": " + t.status().message());
  *out = *t;
  return Status::OK();
}

Status BuildReplay(const Flags& f, AuditIo& io, ReplayOptions* o) {
  if (Status s = Criteria(f, io.in, &o->filter); !s.ok()) return s;
  EventFilter& filter = o->filter;
  if (!f.types.empty()) {
    StatusOr<std::set<EventType>> types = ParseEventTypes(f.types);
    if (!types.ok()) return Status::InvalidArgument("--type: " + types.status().message());
    filter.types = *types;
  }
  TimeMs t = 0;
  if (!f.since.empty()) {
    if (Status s = Time("--since", f.since, io.now, &t); !s.ok()) return s;
    filter.since = t;
  }
  if (!f.until.empty()) {
    if (Status s = Time("--until", f.until, io.now, &t); !s.ok()) return s;
    filter.until = t;
  }
  if (filter.since && filter.until && *filter.since > *filter.until) {
    return Status::InvalidArgument("--since is after --until");
  }
  if (!f.outcome.empty()) filter.outcome = f.outcome;
  if (!f.service.empty()) filter.service = f.service;
  if (!f.ip.empty()) filter.ip = f.ip;
  StatusOr<EventFormat> format = ParseEventFormat(f.format.empty() ? "table" : f.format);
  if (!format.ok()) return format.status();
  o->format = *format;
  o->follow = f.follow;
  return Status::OK();
}

Status BuildTokens(const Flags& f, AuditIo& io, TokensOptions* o) {
  if (Status s = Criteria(f, io.in, &o->filter); !s.ok()) return s;
  if (Status s = Time("--as-of", f.as_of, io.now, &o->as_of); !s.ok()) return s;
  if (!f.status.empty()) o->status = f.status;
  if (!f.scope.empty()) {
    if (!IsKnownScope(f.scope))
      return Status::InvalidArgument("--scope: unknown scope \"" + f.scope + "\"");
    o->scope = f.scope;
  }
  StatusOr<ReportFormat> format = ParseReportFormat(f.format.empty() ? "table" : f.format, true);
  if (!format.ok()) return format.status();
  o->format = *format;
  return Status::OK();
}

Status BuildStats(const Flags& f, AuditIo& io, StatsOptions* o) {
  if (Status s = Criteria(f, io.in, &o->filter); !s.ok()) return s;
  if (Status s = Time("--as-of", f.as_of, io.now, &o->as_of); !s.ok()) return s;
  StatusOr<TimeMs> unused = ParseDuration(f.unused_since);
  if (!unused.ok()) return Status::InvalidArgument("--unused-since: " + unused.status().message());
  o->unused_for = *unused;
  StatusOr<TimeMs> expiring = ParseDuration(f.expiring_within);
  if (!expiring.ok())
    return Status::InvalidArgument("--expiring-within: " + expiring.status().message());
  o->expiring_within = *expiring;
  StatusOr<ReportFormat> format = ParseReportFormat(f.format.empty() ? "table" : f.format, false);
  if (!format.ok()) return format.status();
  o->format = *format;
  return Status::OK();
}

int Fail(std::ostream& err, const Status& s, int code) {
  err << "wit-audit: " << s.message() << "\n";
  return code;
}

// Commands are wit-audit's subcommands, defined by Define.
struct Commands {
  CLI::App* replay = nullptr;
  CLI::App* tokens = nullptr;
  CLI::App* stats = nullptr;
  CLI::App* verify = nullptr;
  CLI::App* hash = nullptr;
};

CLI::App* AddReplay(CLI::App& app, Flags* f) {
  CLI::App* replay = app.add_subcommand("replay", "print the events that match the filters");
  AddSourceFlags(replay, f);
  AddTokenFlags(replay, f);
  replay->add_option("--type", f->types, "event types: created,revoked,used");
  replay->add_option("--since", f->since, "events at or after this time");
  replay->add_option("--until", f->until, "events at or before this time");
  replay->add_option("--outcome", f->outcome, "uses that were allowed or denied")
      ->check(CLI::IsMember({"allowed", "denied"}));
  replay->add_option("--service", f->service, "uses reported by this service");
  replay->add_option("--ip", f->ip, "uses from this client address");
  replay->add_option("--format", f->format, "table (default), jsonl (as stored), csv or ocsf");
  replay->add_flag("--follow,-f", f->follow,
                   "then print new events as they arrive, until interrupted");
  replay->footer(kReplayExamples);
  return replay;
}

CLI::App* AddTokens(CLI::App& app, Flags* f) {
  CLI::App* tokens = app.add_subcommand("tokens", "every token's state as it was at one moment");
  AddSourceFlags(tokens, f);
  AddTokenFlags(tokens, f);
  tokens->add_option("--as-of", f->as_of, "the moment (default now)");
  tokens->add_option("--status", f->status, "only tokens that were active, revoked or expired then")
      ->check(CLI::IsMember({"active", "revoked", "expired"}));
  tokens->add_option("--scope", f->scope, "only tokens whose scopes granted this one then");
  tokens->add_option("--format", f->format, "table (default), json or csv");
  tokens->footer(kTokensExamples);
  return tokens;
}

CLI::App* AddStats(CLI::App& app, Flags* f) {
  CLI::App* stats =
      app.add_subcommand("stats", "dormant, unexpiring and over-privileged tokens; denials");
  AddSourceFlags(stats, f);
  AddTokenFlags(stats, f);
  stats->add_option("--as-of", f->as_of, "the report's now (default now)");
  stats->add_option("--unused-since", f->unused_since,
                    "dormant: no use for this long (default 90d)");
  stats->add_option("--expiring-within", f->expiring_within,
                    "expiring: within this span (default 7d)");
  stats->add_option("--format", f->format, "table (default) or json");
  stats->footer(kStatsExamples);
  return stats;
}

CLI::App* AddVerify(CLI::App& app, Flags* f) {
  CLI::App* verify = app.add_subcommand(
      "verify", "recompute each stream's Merkle tree and check it against signed checkpoints");
  AddSourceFlags(verify, f);
  verify
      ->add_option("--checkpoint", f->checkpoints,
                   "a signed checkpoint (GET /api/log/checkpoint) to check; repeatable")
      ->check(CLI::ExistingFile);
  verify->add_option("--public-key", f->public_key,
                     "the key that signed them (witd log public-key), or a file holding it");
  verify->footer(kVerifyExamples);
  return verify;
}

Commands Define(CLI::App& app, Flags* f) {
  app.require_subcommand(1);
  Commands c;
  c.replay = AddReplay(app, f);
  c.tokens = AddTokens(app, f);
  c.stats = AddStats(app, f);
  c.verify = AddVerify(app, f);
  c.hash = app.add_subcommand("hash", "print the tokenHash of a token read from stdin");
  c.hash->footer(kHashExamples);
  return c;
}

// A Run is the chosen command with its checked options, waiting for its source.
using Run = std::function<Status(AuditSource& source)>;

// Plan checks the flags of the chosen command (replay, tokens or stats) into its Run.
StatusOr<Run> Plan(const Commands& c, const Flags& f, AuditIo& io) {
  if (c.replay->parsed()) {
    ReplayOptions o;
    if (Status s = BuildReplay(f, io, &o); !s.ok()) return s;
    return Run([o, &io](AuditSource& source) mutable { return RunReplay(source, o, io); });
  }
  if (c.tokens->parsed()) {
    TokensOptions o;
    if (Status s = BuildTokens(f, io, &o); !s.ok()) return s;
    return Run([o, &io](AuditSource& source) mutable { return RunTokens(source, o, io); });
  }
  if (c.verify->parsed()) {
    VerifyOptions o{f.checkpoints, f.public_key};
    if (!o.checkpoint_files.empty() && o.public_key.empty()) {
      return Status::InvalidArgument("--checkpoint needs --public-key");
    }
    return Run([o, &io](AuditSource& source) { return RunVerify(source, o, io); });
  }
  StatsOptions o;
  if (Status s = BuildStats(f, io, &o); !s.ok()) return s;
  return Run([o, &io](AuditSource& source) mutable { return RunStats(source, o, io); });
}

}  // namespace

int RunAudit(int argc, const char* const* argv, std::istream& in, std::ostream& out,
             std::ostream& err, bool err_is_terminal, const std::atomic<bool>* stop) {
  CLI::App app("wit-audit: replay and query the wit token ledger's history", "wit-audit");
  Flags f;
  Commands commands = Define(app, &f);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << (app.get_subcommands().empty() ? app.help() : app.get_subcommands().front()->help());
    return kAuditOk;
  } catch (const CLI::ParseError& e) {
    err << "wit-audit: " << e.what() << "\n";
    return kAuditUsage;
  }

  AuditIo io{in, out, err};
  io.now = NowMs();
  io.stop = stop;
  io.progress = f.progress == "always" || (f.progress == "auto" && err_is_terminal);

  if (commands.hash->parsed()) {
    StatusOr<std::string> h = ReadTokenHash(in);
    if (!h.ok()) return Fail(err, h.status(), kAuditUsage);
    out << *h << "\n";
    return kAuditOk;
  }
  StatusOr<Run> run = Plan(commands, f, io);
  if (!run.ok()) return Fail(err, run.status(), kAuditUsage);

  SourceOptions source_flags = f.source;
  source_flags.use_index = !f.no_index;
  StatusOr<std::unique_ptr<AuditSource>> source = OpenAuditSource(source_flags);
  if (!source.ok()) {
    bool usage = source.status().code() == Status::Code::kInvalidArgument;
    return Fail(err, source.status(), usage ? kAuditUsage : kAuditFailure);
  }
  if (Status s = (*run)(**source); !s.ok()) return Fail(err, s, kAuditFailure);
  return kAuditOk;
}

}  // namespace wit
