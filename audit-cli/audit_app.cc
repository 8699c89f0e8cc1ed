#include "audit-cli/audit_app.h"

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "audit-cli/audit_examples.h"
#include "audit-cli/audit_source.h"
#include "audit-cli/history_commands.h"
#include "audit-cli/proof_commands.h"
#include "audit-cli/prove_command.h"
#include "audit-cli/replay_command.h"
#include "audit-cli/scan_command.h"
#include "audit-cli/time_arg.h"
#include "audit-cli/verify_command.h"
#include "audit-cli/witness.h"
#include "base/hex.h"
#include "base/random.h"
#include "token/scopes.h"
#include "token/token.h"

namespace wit {
namespace {

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
  bool family = false;
  bool token_on_stdin = false;
  bool no_index = false;
  ProofFlags proof;
  ScanOptions scan;
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
  StatusOr<std::string> token = ReadTokenFromStream(in);
  if (!token.ok()) return token.status();
  return HashToken(*token);
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
  if (f.family && f.token_ids.empty()) {
    return Status::InvalidArgument("--family needs --token-id: the token whose family to show");
  }
  o->family = f.family;
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
  ProofCommands proof;  // verify, prove, verify-proof, witness
  CLI::App* hash = nullptr;
  CLI::App* scan = nullptr;
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
  replay->add_flag("--family", f->family,
                   "with --token-id: every token of its rotation family, old and new");
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

Commands Define(CLI::App& app, Flags* f) {
  app.require_subcommand(1);
  Commands c;
  c.replay = AddReplay(app, f);
  c.tokens = AddTokens(app, f);
  c.stats = AddStats(app, f);
  c.proof = DefineProofCommands(app, &f->proof, [f](CLI::App* cmd) { AddSourceFlags(cmd, f); });
  c.hash = app.add_subcommand("hash", "print the tokenHash of a token read from stdin");
  c.hash->footer(kHashExamples);
  c.scan = app.add_subcommand("scan", "find wit tokens in files (leaks), naming each by its hash");
  c.scan->add_option("PATH", f->scan.paths, "files and directories; none or - reads stdin");
  c.scan->add_flag("--revoke", f->scan.revoke,
                   "revoke what is found (reason leaked), with an admin session");
  c.scan->add_option("--server", f->scan.server, "the witd to revoke on, with --revoke")
      ->envname("WIT_SERVER");
  c.scan
      ->add_option("--session", f->scan.session,
                   "an admin session (witd session issue --user NAME --admin)")
      ->envname("WIT_SESSION");
  c.scan->footer(kScanExamples);
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
  if (c.proof.verify->parsed()) {
    VerifyOptions o = f.proof.verify;
    if (!f.source.data_dir.empty()) o.view_dir = f.source.data_dir + "/view";
    if (!o.checkpoint_files.empty() && o.public_key.empty()) {
      return Status::InvalidArgument("--checkpoint needs --public-key");
    }
    return Run([o, &io](AuditSource& source) { return RunVerify(source, o, io); });
  }
  if (c.proof.prove->parsed()) {
    if (f.proof.prove.checkpoint_files.empty() && f.proof.prove.server.empty()) {
      return Status::InvalidArgument("prove needs a signed checkpoint: --checkpoint or --server");
    }
    const ProveOptions& o = f.proof.prove;
    return Run([o, &io](AuditSource& source) { return RunProve(source, o, io); });
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

  if (commands.proof.verify_proof->parsed()) {
    Status s = RunVerifyProof(f.proof.proof_file, f.proof.public_key, io);
    return s.ok() ? kAuditOk : Fail(err, s, kAuditFailure);
  }
  if (commands.proof.witness->parsed()) {
    Status s = RunWitness(f.proof.witness, io);
    if (s.ok()) return kAuditOk;
    bool alarm = s.code() == Status::Code::kFailedPrecondition;
    return Fail(err, s, alarm ? kAuditAlarm : kAuditFailure);
  }
  if (commands.hash->parsed()) {
    StatusOr<std::string> h = ReadTokenHash(in);
    if (!h.ok()) return Fail(err, h.status(), kAuditUsage);
    out << *h << "\n";
    return kAuditOk;
  }
  if (commands.scan->parsed()) {
    if (f.scan.revoke && (f.scan.server.empty() || f.scan.session.empty())) {
      return Fail(err, Status::InvalidArgument("--revoke needs --server and an admin --session"),
                  kAuditUsage);
    }
    ScanResult result = RunScan(f.scan, io);
    if (f.scan.revoke && !result.tokens.empty()) {
      if (Status s = RevokeFound(result.tokens, f.scan.server, f.scan.session, io); !s.ok()) {
        Fail(err, s, kAuditFailure);
      }
    }
    if (!result.found.empty()) return kAuditFound;
    return result.unreadable > 0 ? kAuditUsage : kAuditOk;
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
