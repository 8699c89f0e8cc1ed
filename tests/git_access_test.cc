// A personal access token guarding real clients: `wit` and curl with the token as the
// credential, and git taking it from `wit auth git-credential`, each against a real witd.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/support/text.h"
#include "tests/test_json.h"
#include "tests/witd_process.h"

namespace wit::testing {
namespace {

class GitAccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("git-access");
    witd_ = std::make_unique<WitdProcess>(dir_ + "/data");
    ASSERT_TRUE(witd_->Start()) << "witd did not start; see " << witd_->log_path();
    session_ = witd_->UserSession("alice");
  }
  void TearDown() override {
    witd_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Env is the environment every client runs in: its own HOME and git config, no session.
  std::string Env(const std::string& token) const {
    return "env -u WIT_SERVER -u WIT_SESSION -u WIT_TOKEN HOME=" + ShellQuote(dir_) +
           " GIT_CONFIG_GLOBAL=" + ShellQuote(dir_ + "/gitconfig") +
           " GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0 WIT_SERVER=" + ShellQuote(witd_->url()) +
           (token.empty() ? "" : " WIT_TOKEN=" + ShellQuote(token)) + " ";
  }
  CommandResult Wit(const std::string& args, const std::string& token,
                    const std::string& input = "") const {
    return RunCommand(Env(token) + ShellQuote(BinDir() + "/wit") + " " + args, input);
  }
  // NewToken has alice create a token with `scopes` through her session; returns the token.
  std::string NewToken(const std::string& scopes) const {
    CommandResult r = RunCommand(
        "env WIT_SESSION=" + ShellQuote(session_) + " " + ShellQuote(BinDir() + "/wit") +
        " --server " + ShellQuote(witd_->url()) + " token create t --json --scopes " + scopes);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Json::Parse(r.out).Str("token");
  }

  std::string dir_;
  std::unique_ptr<WitdProcess> witd_;
  std::string session_;
};

TEST_F(GitAccessTest, WitAndCurlActWithTheTokenAlone) {
  std::string token = NewToken("user:read,user:write,repo:read");
  CommandResult list = Wit("token list", token);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("Your Personal Access Tokens"), std::string::npos) << list.out;
  CommandResult json = Wit("token list --json", token);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(Json::Parse(json.out).Array("tokens").size(), 1u) << json.out;
  EXPECT_EQ(list.err, "wit: acting as token " + token.substr(0, 12) + " (WIT_TOKEN)\n");

  CommandResult created = Wit("token create from-ci --scopes repo:read --json", token);
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::string child = Json::Parse(created.out).Str("id");
  CommandResult beyond = Wit("token create too-much --scopes repo:write", token);
  EXPECT_EQ(beyond.exit_code, 1);
  EXPECT_NE(beyond.err.find("beyond its own: it lacks repo:write"), std::string::npos)
      << beyond.err;
  EXPECT_EQ(Wit("token revoke " + child, token).exit_code, 0);

  // curl, as the seed document shows it.
  std::string curl = "curl -sS -w '\\n%{http_code}' -H " +
                     ShellQuote("Authorization: Bearer " + token) + " " + witd_->url();
  CommandResult self = RunCommand(curl + "/api/tokens/self");
  std::vector<std::string> lines = Lines(self.out);
  ASSERT_EQ(lines.size(), 2u) << self.out << self.err;
  EXPECT_EQ(lines[1], "200");
  EXPECT_EQ(Json::Parse(lines[0]).Str("userId"), "alice");
  EXPECT_EQ(Lines(RunCommand(curl + "/api/tokens").out).back(), "200");

  // Too few scopes: the error names the fix.
  std::string narrow = NewToken("repo:read");
  CommandResult refused = Wit("token list", narrow);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("this token lacks user:read (wit token create NAME --scopes "
                             "user:read)"),
            std::string::npos)
      << refused.err;
  // Revoked: 401, and wit says to check WIT_TOKEN.
  ASSERT_EQ(Wit("token revoke " + Json::Parse(lines[0]).Str("id"), token).exit_code, 0);
  CommandResult revoked = Wit("token list", token);
  EXPECT_EQ(revoked.exit_code, 1);
  EXPECT_NE(revoked.err.find("the token was refused: the token is revoked; check WIT_TOKEN"),
            std::string::npos)
      << revoked.err;
  EXPECT_EQ(revoked.err.find(token), std::string::npos);
}

TEST_F(GitAccessTest, GitTakesTheTokenFromTheCredentialHelper) {
  std::string token = NewToken("repo:read");
  std::string host = "http://127.0.0.1:" + std::to_string(witd_->port());
  CommandResult setup = Wit("auth setup-git --host " + host, "");
  ASSERT_EQ(setup.exit_code, 0) << setup.err;
  // Twice is the same as once.
  ASSERT_EQ(Wit("auth setup-git --host " + host, "").exit_code, 0);
  CommandResult config =
      RunCommand(Env("") + "git config --global --get-all credential." + host + ".helper");
  std::vector<std::string> helpers = Lines(config.out);
  ASSERT_EQ(helpers.size(), 2u) << config.out << config.err;
  EXPECT_EQ(helpers[0], "");
  EXPECT_EQ(helpers[1], "!'" + BinDir() + "/wit' auth git-credential");

  // git itself asks the helper, through its own config.
  std::string request = "protocol=http\nhost=127.0.0.1:" + std::to_string(witd_->port()) +
                        "\npath=alice/repo.git\n\n";
  CommandResult fill = RunCommand(Env(token) + "git credential fill", request);
  ASSERT_EQ(fill.exit_code, 0) << fill.err;
  EXPECT_NE(fill.out.find("\npassword=" + token + "\n"), std::string::npos) << fill.out;
  EXPECT_NE(fill.out.find("username=wit\n"), std::string::npos) << fill.out;
  // store and erase take git's request and keep nothing.
  EXPECT_EQ(RunCommand(Env(token) + "git credential approve", fill.out).exit_code, 0);
  EXPECT_EQ(RunCommand(Env(token) + "git credential reject", fill.out).exit_code, 0);

  // Another host is not configured: git never asks the helper, and has nothing to send.
  CommandResult other =
      RunCommand(Env(token) + "git credential fill", "protocol=https\nhost=example.com\n\n");
  EXPECT_NE(other.exit_code, 0);
  EXPECT_EQ(other.out.find(token), std::string::npos);
  // Asked directly about plain http to another machine, the helper refuses, and says why.
  CommandResult clear =
      Wit("auth git-credential get", token, "protocol=http\nhost=example.com\n\n");
  EXPECT_EQ(clear.exit_code, 0);
  EXPECT_EQ(clear.out, "");
  EXPECT_NE(clear.err.find("not sending WIT_TOKEN to http://example.com"), std::string::npos);
  EXPECT_EQ(clear.err.find(token), std::string::npos);
  // Without WIT_TOKEN there is no answer; a request git would never send is a usage error.
  EXPECT_EQ(Wit("auth git-credential get", "", request).out, "");
  EXPECT_EQ(Wit("auth git-credential get", token, "nonsense\n").exit_code, 2);
}

}  // namespace
}  // namespace wit::testing
