// git over HTTP, end to end: a real git client, with WIT_TOKEN and `wit auth git-credential`,
// talks to real nginx, which asks witd (auth_request, examples/nginx/wit-auth.conf) before it
// hands the request to `git http-backend` through fcgiwrap.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "base/random.h"
#include "ledger/event.h"
#include "tests/log_backend.h"
#include "tests/support/background_process.h"
#include "tests/support/text.h"
#include "tests/test_json.h"
#include "tests/witd_process.h"
#include "token/token.h"

namespace wit::testing {
namespace {

constexpr const char* kNginx = "/usr/sbin/nginx";
constexpr const char* kFcgiwrap = "/usr/sbin/fcgiwrap";
constexpr const char* kHttpBackend = "/usr/lib/git-core/git-http-backend";

class GitHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* program : {kNginx, kFcgiwrap, kHttpBackend}) {
      ASSERT_TRUE(std::filesystem::exists(program))
          << program << " is missing: scripts/install-deps.sh installs nginx, fcgiwrap and git";
    }
    dir_ = MakeTempDir("git-http");
    SeedExpiredToken();
    witd_ = std::make_unique<WitdProcess>(dir_ + "/data");
    ASSERT_TRUE(witd_->Start()) << "witd did not start; see " << witd_->log_path();
    session_ = witd_->UserSession("alice");

    // The repository, with one commit on main.
    std::string repo = dir_ + "/repos/alice/repo.git";
    std::filesystem::create_directories(repo);
    ASSERT_EQ(Git("init -q --bare -b main " + ShellQuote(repo)).exit_code, 0);
    ASSERT_EQ(Git("clone -q " + ShellQuote(repo) + " " + ShellQuote(dir_ + "/seed")).exit_code, 0);
    std::ofstream(dir_ + "/seed/README") << "hello\n";
    ASSERT_EQ(Git("-C " + ShellQuote(dir_ + "/seed") + " add README").exit_code, 0);
    ASSERT_EQ(Git("-C " + ShellQuote(dir_ + "/seed") + " commit -q -m first").exit_code, 0);
    ASSERT_EQ(Git("-C " + ShellQuote(dir_ + "/seed") + " push -q origin HEAD:main").exit_code, 0);

    uint16_t fcgi_port = FreePort();
    fcgiwrap_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{kFcgiwrap, "-s", "tcp:127.0.0.1:" + std::to_string(fcgi_port)},
        dir_ + "/fcgiwrap.out");
    ASSERT_TRUE(fcgiwrap_->Start() && fcgiwrap_->WaitForPort(fcgi_port));

    port_ = FreePort();
    WriteNginxConf(fcgi_port);
    nginx_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{kNginx, "-p", dir_ + "/nginx", "-e", dir_ + "/nginx/error.log",
                                 "-c", dir_ + "/nginx/nginx.conf"},
        dir_ + "/nginx.out");
    ASSERT_TRUE(nginx_->Start() && nginx_->WaitForPort(port_))
        << ReadFile(dir_ + "/nginx.out") << ReadFile(dir_ + "/nginx/error.log");
    url_ = "http://127.0.0.1:" + std::to_string(port_) + "/git/alice/repo.git";
    ASSERT_EQ(Wit("auth setup-git --host http://127.0.0.1:" + std::to_string(port_), "").exit_code,
              0);
  }

  void TearDown() override {
    if (HasFailure()) {
      std::fprintf(stderr, "nginx error log:\n%s\n", ReadFile(dir_ + "/nginx/error.log").c_str());
    }
    nginx_.reset();
    fcgiwrap_.reset();
    witd_.reset();
    std::filesystem::remove_all(dir_);
  }

  // SeedExpiredToken writes, before witd starts, a token that expired yesterday.
  void SeedExpiredToken() {
    LogBackend embedded("embedded");
    auto log = embedded.OpenLog(dir_ + "/data");
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    GeneratedToken token = GenerateToken();
    Event e;
    e.type = EventType::kCreated;
    e.event_id = NewUuid();
    e.occurred_at = NowMs() - 2 * kMsPerDay;
    e.token_id = NewTimeOrderedUuid(e.occurred_at);
    e.user_id = "alice";
    e.name = "old";
    e.prefix = token.prefix;
    e.token_hash = token.hash;
    e.scopes = {"repo:read"};
    e.expires_at = NowMs() - kMsPerDay;
    ASSERT_TRUE((*log)->Append(e).ok());
    expired_ = token.plaintext;
  }

  void WriteNginxConf(uint16_t fcgi_port) {
    std::string d = dir_ + "/nginx";
    std::filesystem::create_directories(d + "/tmp");
    std::ofstream conf(d + "/nginx.conf");
    // As root, the workers stay root too: they write the pushed packs to the test's own dir.
    conf << (geteuid() == 0 ? "user root root;\n" : "") << "daemon off;\nworker_processes 1;\n"
         << "pid " << d << "/nginx.pid;\nevents { worker_connections 64; }\nhttp {\n"
         << "  access_log " << d << "/access.log;\n"
         << "  client_body_temp_path " << d << "/tmp/body;\n"
         << "  proxy_temp_path " << d << "/tmp/proxy;\n"
         << "  fastcgi_temp_path " << d << "/tmp/fastcgi;\n"
         << "  uwsgi_temp_path " << d << "/tmp/uwsgi;\n  scgi_temp_path " << d << "/tmp/scgi;\n"
         << "  server {\n    listen 127.0.0.1:" << port_ << ";\n"
         << "    set $wit_forward_auth_url " << witd_->url() << "/api/auth/forward;\n"
         << "    set $wit_service_credential \"" << witd_->ServiceSession("nginx") << "\";\n"
         << "    include " << WIT_SOURCE_DIR << "/examples/nginx/wit-auth.conf;\n"
         << "    location ~ ^/git(/.*)$ {\n"
         << "      auth_request /_wit_auth;\n"
         << "      auth_request_set $wit_user $upstream_http_x_wit_user;\n"
         << "      client_max_body_size 0;\n"
         << "      include /etc/nginx/fastcgi_params;\n"
         << "      fastcgi_param SCRIPT_FILENAME " << kHttpBackend << ";\n"
         << "      fastcgi_param GIT_PROJECT_ROOT " << dir_ << "/repos;\n"
         << "      fastcgi_param GIT_HTTP_EXPORT_ALL \"\";\n"
         << "      fastcgi_param PATH_INFO $1;\n"
         << "      fastcgi_param REMOTE_USER $wit_user;\n"
         << "      fastcgi_pass 127.0.0.1:" << fcgi_port << ";\n    }\n  }\n}\n";
  }

  // Env is every client's environment: its own HOME and git config, a token or none.
  std::string Env(const std::string& token) const {
    return "env -u WIT_SESSION -u WIT_TOKEN HOME=" + ShellQuote(dir_) +
           " GIT_CONFIG_GLOBAL=" + ShellQuote(dir_ + "/gitconfig") +
           " GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0 GIT_AUTHOR_NAME=a "
           "GIT_AUTHOR_EMAIL=a@example.com GIT_COMMITTER_NAME=a GIT_COMMITTER_EMAIL=a@example.com" +
           (witd_ ? " WIT_SERVER=" + ShellQuote(witd_->url()) : std::string()) +
           (token.empty() ? "" : " WIT_TOKEN=" + ShellQuote(token)) + " ";
  }
  CommandResult Git(const std::string& args, const std::string& token = "") const {
    return RunCommand(Env(token) + "git " + args);
  }
  CommandResult Wit(const std::string& args, const std::string& token) const {
    return RunCommand(Env(token) + ShellQuote(BinDir() + "/wit") + " " + args);
  }
  // NewToken has alice create a token with `scopes`; returns its id and plaintext.
  std::pair<std::string, std::string> NewToken(const std::string& scopes) const {
    CommandResult r = RunCommand(
        "env WIT_SESSION=" + ShellQuote(session_) + " " + ShellQuote(BinDir() + "/wit") +
        " --server " + ShellQuote(witd_->url()) + " token create t --json --scopes " + scopes);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    Json j = Json::Parse(r.out);
    return {j.Str("id"), j.Str("token")};
  }
  // Curl asks nginx for the repository's refs with `auth` (a curl option) and returns the
  // status line's code and the WWW-Authenticate header.
  std::pair<std::string, std::string> Curl(const std::string& auth) const {
    CommandResult r = RunCommand("curl -sS -o /dev/null -D - " + auth + " " +
                                 ShellQuote(url_ + "/info/refs?service=git-upload-pack"));
    std::string code, challenge;
    for (const std::string& line : Lines(r.out)) {
      if (line.rfind("HTTP/", 0) == 0) code = line.substr(9, 3);
      if (line.rfind("WWW-Authenticate: ", 0) == 0) challenge = line.substr(18);
    }
    return {code, challenge};
  }

  std::string dir_, session_, url_, expired_;
  uint16_t port_ = 0;
  std::unique_ptr<WitdProcess> witd_;
  std::unique_ptr<BackgroundProcess> fcgiwrap_, nginx_;
};

TEST_F(GitHttpTest, CloneFetchAndPushNeedTheirScopesAndRevocationIsImmediate) {
  auto [reader_id, reader] = NewToken("repo:read");
  auto [writer_id, writer] = NewToken("repo:write");
  std::string work = ShellQuote(dir_ + "/work");

  CommandResult clone = Git("clone -q " + ShellQuote(url_) + " " + work, reader);
  ASSERT_EQ(clone.exit_code, 0) << clone.err;
  EXPECT_EQ(ReadFile(dir_ + "/work/README"), "hello\n");
  CommandResult fetch = Git("-C " + work + " fetch -q", reader);
  EXPECT_EQ(fetch.exit_code, 0) << fetch.err;

  // Push with repo:read is refused, and git says so.
  std::ofstream(dir_ + "/work/NEWS") << "more\n";
  ASSERT_EQ(Git("-C " + work + " add NEWS").exit_code, 0);
  ASSERT_EQ(Git("-C " + work + " commit -q -m second").exit_code, 0);
  CommandResult refused = Git("-C " + work + " push -q origin HEAD:main", reader);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("403"), std::string::npos) << refused.err;
  // With repo:write it lands.
  CommandResult pushed = Git("-C " + work + " push -q origin HEAD:main", writer);
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  CommandResult log =
      Git("--git-dir=" + ShellQuote(dir_ + "/repos/alice/repo.git") + " log --format=%s main");
  EXPECT_EQ(log.out, "second\nfirst\n");

  // Right after the revocation, the next fetch fails.
  ASSERT_EQ(Wit("token revoke " + reader_id, writer).exit_code, 1);  // repo:write manages none
  CommandResult revoked =
      RunCommand("env WIT_SESSION=" + ShellQuote(session_) + " " + ShellQuote(BinDir() + "/wit") +
                 " --server " + ShellQuote(witd_->url()) + " token revoke " + reader_id);
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  CommandResult after = Git("-C " + work + " fetch -q", reader);
  EXPECT_NE(after.exit_code, 0);
  EXPECT_NE(after.err.find("Authentication failed"), std::string::npos) << after.err;

  // The history shows each attempt: the action, the repository, the client and the outcome.
  CommandResult replay =
      RunCommand(BinDir() + "/wit-audit replay --format jsonl --type used " + "--data-dir " +
                 ShellQuote(dir_ + "/data") + " --token-id " + reader_id);
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  int fetches = 0, pushes_refused = 0, refused_revoked = 0;
  for (const std::string& line : Lines(replay.out)) {
    Json use = Json::Parse(line);
    EXPECT_EQ(use.Str("service"), "nginx") << line;
    EXPECT_EQ(use.Str("resource"), "git/alice/repo.git") << line;
    EXPECT_EQ(use.Str("ip"), "127.0.0.1") << line;
    EXPECT_NE(use.Str("userAgent").find("git/"), std::string::npos) << line;
    if (use.Str("action") == "git.fetch" && use.Str("outcome") == "allowed") ++fetches;
    if (use.Str("action") == "git.push" && use.Str("reason") == "insufficient_scope") {
      ++pushes_refused;
    }
    if (use.Str("outcome") == "denied" && use.Str("reason") == "revoked") ++refused_revoked;
  }
  EXPECT_GE(fetches, 3) << replay.out;  // clone: refs and pack; fetch: refs at least
  EXPECT_EQ(pushes_refused, 1) << replay.out;
  EXPECT_GE(refused_revoked, 1) << replay.out;
}

TEST_F(GitHttpTest, EachWrongCredentialGetsTheRightAnswer) {
  auto [id, token] = NewToken("repo:read");
  const std::string challenge = "Basic realm=\"wit\"";
  EXPECT_EQ(Curl(""), std::make_pair(std::string("401"), challenge));
  EXPECT_EQ(Curl("-u git:hunter2"), std::make_pair(std::string("401"), challenge));
  EXPECT_EQ(Curl("-u git:" + ShellQuote(expired_)), std::make_pair(std::string("401"), challenge));
  EXPECT_EQ(Curl("-H " + ShellQuote("Authorization: Bearer " + token)).first, "200");
  EXPECT_EQ(Curl("-u anyone:" + ShellQuote(token)).first, "200");
  // git with the expired token gives up cleanly, without a prompt.
  CommandResult clone =
      Git("clone -q " + ShellQuote(url_) + " " + ShellQuote(dir_ + "/old"), expired_);
  EXPECT_NE(clone.exit_code, 0);
  EXPECT_NE(clone.err.find("Authentication failed"), std::string::npos) << clone.err;
}

}  // namespace
}  // namespace wit::testing
