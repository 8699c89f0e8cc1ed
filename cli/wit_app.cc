#include "cli/wit_app.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <climits>
#include <cstdlib>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "base/text_table.h"
#include "cli/api_client.h"
#include "cli/arguments.h"
#include "cli/commands.h"
#include "cli/git_credential.h"
#include "net/server_address.h"
#include "token/token.h"

namespace wit {
namespace {

// Flags holds everything the command line can set.
struct Flags {
  std::string server = kDefaultServer;
  std::string session;
  std::string name;
  std::string id;
  std::string expires;
  std::string scopes;
  std::vector<std::string> allow_ips;
  std::vector<std::string> resources;
  bool all = false;
  bool json = false;
  std::string ca_file;
  bool insecure_http = false;
  std::string credential_op;  // get, store or erase
  // wit admin tokens
  std::map<std::string, std::string> admin_query;  // list: the API's parameter names
  bool never_used = false;
  std::string user, created_before, reason;
  std::vector<std::string> ids;
  std::string git_host;
};

struct Commands {
  CLI::App* create = nullptr;
  CLI::App* list = nullptr;
  CLI::App* revoke = nullptr;
  CLI::App* rotate = nullptr;
  CLI::App* scopes = nullptr;
  CLI::App* git_credential = nullptr;
  CLI::App* setup_git = nullptr;
  CLI::App* admin_list = nullptr;
  CLI::App* admin_revoke = nullptr;
  CLI::App* admin_identify = nullptr;
};

// DefineAdmin adds `wit admin tokens list|revoke|identify`.
void DefineAdmin(CLI::App& app, Flags& f, Commands& c) {
  CLI::App* admin = app.add_subcommand("admin", "Every user's tokens, with an admin session");
  admin->require_subcommand(1);
  CLI::App* tokens = admin->add_subcommand("tokens", "List, revoke and identify tokens");
  tokens->require_subcommand(1);
  c.admin_list = tokens->add_subcommand("list", "List every user's tokens, a page at a time");
  for (auto [flag, key, help] :
       std::initializer_list<std::tuple<const char*, const char*, const char*>>{
           {"--user", "user", "Only this user's"},
           {"--status", "status", "active, revoked, expired or all (default all)"},
           {"--prefix", "prefix", "The token's 8-character prefix"},
           {"--created-before", "createdBefore", "Created before this RFC 3339 time"},
           {"--created-after", "createdAfter", "Created after this RFC 3339 time"},
           {"--last-used-before", "lastUsedBefore", "Not used since this RFC 3339 time"},
           {"--expiring-within", "expiringWithin", "Expiring within this span (7d, 36h)"},
           {"--limit", "limit", "Tokens per page, 1-1000 (default 100)"},
           {"--cursor", "cursor", "The page after this one (as the list says)"}}) {
    c.admin_list->add_option(flag, f.admin_query[key], help);
  }
  c.admin_list->add_flag("--never-used", f.never_used, "Only tokens never used");
  c.admin_revoke = tokens->add_subcommand("revoke", "Revoke every token that matches, at once");
  c.admin_revoke->add_option("--user", f.user, "Every token of this user");
  c.admin_revoke->add_option("--id", f.ids, "This token (repeatable)");
  c.admin_revoke->add_option("--created-before", f.created_before,
                             "Tokens created before this RFC 3339 time");
  c.admin_revoke->add_option("--reason", f.reason, "Why, written into every event")->required();
  c.admin_identify = tokens->add_subcommand(
      "identify", "Name the owner of a token read from stdin (never give it as an argument)");
  for (CLI::App* sub : {c.admin_list, c.admin_revoke, c.admin_identify}) {
    sub->add_flag("--json", f.json, "Print the server's JSON answer");
  }
}

Commands Define(CLI::App& app, Flags& f) {
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommands too
  app.add_option("--server", f.server, "URL of the wit server")
      ->envname("WIT_SERVER")
      ->capture_default_str();
  app.add_option("--session", f.session, "Session token (witd session issue --user NAME)")
      ->envname("WIT_SESSION");
  app.add_option("--ca-file", f.ca_file, "PEM CA certificates to trust for an https:// server")
      ->envname("WIT_CA_FILE");
  app.add_flag(
      "--insecure-http", f.insecure_http,
      "Send the session over http:// to a host that is not this machine without a warning");

  CLI::App* token = app.add_subcommand("token", "Manage your personal access tokens");
  token->require_subcommand(1);
  Commands c;
  c.create = token->add_subcommand("create", "Create a token and show it once");
  c.create->add_option("NAME", f.name, "A name to recognize the token by")->required();
  c.create->add_option(
      "--expires", f.expires,
      "Days until it expires, 1-" + std::to_string(kMaxExpiresInDays) + " (default never)");
  c.create->add_option("--scopes", f.scopes,
                       "Comma-separated scopes (default repo:read,repo:write)");
  c.create->add_option("--allow-ip", f.allow_ips,
                       "Only from this address or CIDR block, IPv4 or IPv6 (repeatable)");
  c.create->add_option("--resource", f.resources,
                       "Only on resources matching this glob, like 'acme/*' (repeatable)");
  c.list = token->add_subcommand("list", "List your active tokens");
  c.list->add_flag("--all", f.all, "Include revoked and expired tokens, with their status");
  c.revoke = token->add_subcommand("revoke", "Revoke a token at once");
  c.revoke->add_option("ID", f.id, "The token's ID, as wit token list shows it")->required();
  c.rotate = token->add_subcommand(
      "rotate", "Replace a token with a new one (same name, scopes, limits) and revoke it");
  c.rotate->add_option("ID", f.id, "The token's ID, as wit token list shows it")->required();
  c.rotate->add_option("--expires", f.expires,
                       "Days until the new token expires (default: as long as the old was given)");
  c.scopes = token->add_subcommand("scopes", "List the scopes a token can have");
  for (CLI::App* sub : {c.create, c.list, c.revoke, c.rotate, c.scopes}) {
    sub->add_flag("--json", f.json, "Print the server's JSON answer");
  }

  CLI::App* auth = app.add_subcommand("auth", "Let git use WIT_TOKEN");
  auth->require_subcommand(1);
  c.git_credential = auth->add_subcommand(
      "git-credential", "git's credential helper: answers `get` with WIT_TOKEN as the password");
  c.git_credential->add_option("OPERATION", f.credential_op, "get, store or erase")
      ->required()
      ->check(CLI::IsMember({"get", "store", "erase"}));
  c.setup_git = auth->add_subcommand(
      "setup-git", "Make git ask `wit auth git-credential` for a host's credentials");
  c.setup_git->add_option("--host", f.git_host,
                          "The git host, host[:port] for https or a scheme://host[:port] "
                          "(default: --server's)");
  DefineAdmin(app, f, c);
  return c;
}

// Credential is what wit signs in with: a session first (--session, WIT_SESSION), else the
// token in WIT_TOKEN.
struct Credential {
  std::string secret;
  bool is_token = false;
};

Credential ChooseCredential(const Flags& f) {
  if (!f.session.empty()) return {f.session, false};
  const char* token = std::getenv("WIT_TOKEN");
  if (token && *token) return {token, true};
  return {};
}

// SelfPath is this program's absolute path, for git's config to run it by.
std::string SelfPath() {
  char path[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  return n > 0 ? std::string(path, static_cast<size_t>(n)) : std::string("wit");
}

// OneLine keeps a message on one line, whatever the server or CLI11 put in it.
std::string OneLine(const std::string& message) {
  std::string out;
  for (char c : message) out += (c == '\n' || c == '\r') ? ' ' : c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return ForTerminal(out);
}

int Fail(std::ostream& err, const Status& s, int code) {
  err << "wit: " << OneLine(s.message()) << "\n";
  return code;
}

// RunAuth runs `wit auth ...`: git's credential helper, and writing it into git's config.
int RunAuth(const Commands& c, const Flags& f, std::istream& in, std::ostream& out,
            std::ostream& err) {
  if (c.git_credential->parsed()) {
    // git sends the request to store and erase too; the token lives in WIT_TOKEN, not here.
    StatusOr<GitCredentialRequest> request = ParseGitCredentialRequest(in);
    if (!request.ok()) return Fail(err, request.status(), kExitUsage);
    if (f.credential_op != "get") return kExitOk;
    const char* token = std::getenv("WIT_TOKEN");
    GitCredentialAnswer answer = AnswerGitCredential(*request, token ? token : "");
    if (!answer.warning.empty()) err << "wit: " << OneLine(answer.warning) << "\n";
    out << answer.text << std::flush;
    return kExitOk;
  }
  std::string host = f.git_host;
  if (host.empty()) {
    StatusOr<ServerAddress> server = ParseServerUrl(f.server);
    if (!server.ok()) return Fail(err, server.status(), kExitUsage);
    host = (server->https ? "https://" : "http://") + server->host + ":" +
           std::to_string(server->port);
  }
  StatusOr<std::string> url = GitCredentialUrl(host);
  if (!url.ok()) return Fail(err, url.status(), kExitUsage);
  if (Status s = SetupGit(*url, SelfPath()); !s.ok()) return Fail(err, s, kExitFailure);
  out << "git now asks `wit auth git-credential` for " << ForTerminal(*url)
      << " (git config --global); it answers with WIT_TOKEN\n";
  return kExitOk;
}

// Run checks the arguments of the chosen command, then sends its request.
int Run(const Commands& c, const Flags& f, std::istream& in, std::ostream& out, std::ostream& err) {
  if (c.git_credential->parsed() || c.setup_git->parsed()) return RunAuth(c, f, in, out, err);
  StatusOr<ServerAddress> server = ParseServerUrl(f.server);
  if (!server.ok()) return Fail(err, server.status(), kExitUsage);
  server->ca_file = f.ca_file;

  CreateArgs create;
  if (c.create->parsed()) {
    create.name = f.name;
    create.json = f.json;
    if (c.create->count("--expires") > 0) {
      StatusOr<int64_t> days = ParseExpiresFlag(f.expires);
      if (!days.ok()) return Fail(err, days.status(), kExitUsage);
      create.expires_in_days = *days;
    }
    if (c.create->count("--scopes") > 0) {
      StatusOr<std::vector<std::string>> scopes = ParseScopesFlag(f.scopes);
      if (!scopes.ok()) return Fail(err, scopes.status(), kExitUsage);
      create.scopes = std::move(*scopes);
    }
    // Checked by the server, which names a bad entry; the flags only collect them.
    if (!f.allow_ips.empty()) create.allowed_ips = f.allow_ips;
    if (!f.resources.empty()) create.resources = f.resources;
  }
  std::optional<int64_t> rotate_days;
  if (c.revoke->parsed() || c.rotate->parsed()) {
    if (Status s = CheckTokenId(f.id); !s.ok()) return Fail(err, s, kExitUsage);
  }
  if (c.rotate->parsed() && c.rotate->count("--expires") > 0) {
    StatusOr<int64_t> days = ParseExpiresFlag(f.expires);
    if (!days.ok()) return Fail(err, days.status(), kExitUsage);
    rotate_days = *days;
  }
  // identify reads the token from stdin: an argument would stay in the shell's history and
  // in every process listing.
  std::string admin_token;
  if (c.admin_identify->parsed()) {
    StatusOr<std::string> token = ReadTokenFromStream(in);
    if (!token.ok()) return Fail(err, token.status(), kExitUsage);
    admin_token = std::move(*token);
  }
  if (c.admin_revoke->parsed() && f.user.empty() && f.ids.empty() && f.created_before.empty()) {
    return Fail(err,
                Status::InvalidArgument("give --user, --id or --created-before: what to revoke"),
                kExitUsage);
  }
  // Listing the scopes needs no credential; every other command does.
  bool sends_credential = !c.scopes->parsed();
  Credential credential = sends_credential ? ChooseCredential(f) : Credential{};
  if (sends_credential) {
    Status s = credential.is_token ? CheckTokenCredential(credential.secret)
                                   : CheckSession(credential.secret);
    if (!s.ok()) return Fail(err, s, kExitUsage);
    if (credential.is_token) {
      err << "wit: acting as token wit_" << TokenPrefix(credential.secret) << " (WIT_TOKEN)\n";
    }
  }

  if (sends_credential && !server->https && !IsLoopback(server->host) && !f.insecure_http) {
    // The scheme, host and port only: a URL's user:password or query stays out of logs.
    err << "wit: warning: your " << (credential.is_token ? "token" : "session")
        << " goes to http://" << ForTerminal(server->host + ":" + std::to_string(server->port))
        << " unencrypted, readable on the way; use https:// (--insecure-http silences this)\n";
  }
  ApiClient client(
      std::move(*server), credential.secret,
      credential.is_token ? ApiClient::Credential::kToken : ApiClient::Credential::kSession);
  StatusOr<std::string> text = Status::Internal("no command");
  if (c.create->parsed()) {
    text = RunCreate(client, create);
  } else if (c.list->parsed()) {
    text = RunList(client, f.all, f.json);
  } else if (c.revoke->parsed()) {
    text = RunRevoke(client, f.id, f.json);
  } else if (c.rotate->parsed()) {
    text = RunRotate(client, f.id, rotate_days, f.json);
  } else if (c.scopes->parsed()) {
    text = RunScopes(client, f.json);
  } else if (c.admin_list->parsed()) {
    AdminListArgs args;
    for (const auto& [key, value] : f.admin_query) {
      if (!value.empty()) args.query.emplace_back(key, value);
    }
    if (f.never_used) args.query.emplace_back("neverUsed", "true");
    args.json = f.json;
    text = RunAdminList(client, args);
  } else if (c.admin_revoke->parsed()) {
    AdminRevokeArgs args;
    if (!f.user.empty()) args.user_id = f.user;
    args.ids = f.ids;
    if (!f.created_before.empty()) args.created_before = f.created_before;
    args.reason = f.reason;
    args.json = f.json;
    text = RunAdminRevoke(client, args);
  } else if (c.admin_identify->parsed()) {
    text = RunAdminIdentify(client, admin_token, f.json);
  }
  if (!text.ok()) return Fail(err, text.status(), kExitFailure);
  out << *text << std::flush;
  return kExitOk;
}

}  // namespace

int RunWit(int argc, const char* const* argv, std::istream& in, std::ostream& out,
           std::ostream& err) {
  CLI::App app{"wit: manage your wit personal access tokens", "wit"};
  app.footer(
      "Exit status: 0 success, 1 the server refused or could not be reached, 2 usage error.");
  Flags flags;
  Commands commands = Define(app, flags);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e, out, err);  // --help
    return Fail(err, Status::InvalidArgument(std::string(e.what()) + " (run wit --help)"),
                kExitUsage);
  }
  return Run(commands, flags, in, out, err);
}

}  // namespace wit
