// End-to-end tests of the `wit` CLI: each runs the built binary against a real witd and checks
// its output against the seed document's.
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/log_backend.h"
#include "tests/support/eventually.h"
#include "tests/support/text.h"
#include "tests/test_json.h"
#include "tests/witd_process.h"

namespace wit::testing {
namespace {

const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
const std::regex kTokenRe("wit_[A-Za-z0-9]{8}_[A-Za-z0-9]{38}");

// ExpectOneErrorLine checks the error contract: non-zero exit, nothing on stdout and one line
// "wit: ..." on stderr.
void ExpectOneErrorLine(const CommandResult& r, const std::string& needle) {
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  ASSERT_EQ(Lines(r.err).size(), 1u) << r.err;
  EXPECT_EQ(r.err.rfind("wit: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
}

// ClosedPort returns a loopback port that nothing listens on (it was free a moment ago).
uint16_t ClosedPort() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  uint16_t port = socket.address().port();
  socket.close();
  return port;
}

class CliTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("cli");
    witd_ = std::make_unique<WitdProcess>(dir_ + "/data", backend_.WitdArgs());
    ASSERT_TRUE(witd_->Start()) << "witd did not start; see " << witd_->log_path();
    session_ = witd_->UserSession("alice");
    ASSERT_FALSE(session_.empty());
  }

  void TearDown() override {
    std::string log = witd_ ? witd_->log_path() : "";
    witd_.reset();
    std::filesystem::remove_all(dir_);
    // witd's log sits beside the data dir; keep it when a test failed.
    if (!log.empty() && !HasFailure()) std::filesystem::remove(log);
  }

  // Wit runs `wit --server URL ARGS` with WIT_SESSION set to `session` (unset when empty) and
  // WIT_SERVER unset, whatever the test's own environment holds.
  [[nodiscard]] CommandResult Wit(const std::string& args, const std::string& session) const {
    std::string env = "env -u WIT_SERVER -u WIT_SESSION ";
    if (!session.empty()) env += "WIT_SESSION=" + ShellQuote(session) + " ";
    return RunCommand(env + ShellQuote(BinDir() + "/wit") + " --server " +
                      ShellQuote(witd_->url()) + " " + args);
  }
  [[nodiscard]] CommandResult Wit(const std::string& args) const { return Wit(args, session_); }

  // Create runs `wit token create ARGS` and returns its ID and token.
  [[nodiscard]] std::pair<std::string, std::string> Create(const std::string& args) const {
    CommandResult r = Wit("token create " + args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::smatch id, token;
    EXPECT_TRUE(std::regex_search(r.out, id, kUuid)) << r.out;
    EXPECT_TRUE(std::regex_search(r.out, token, kTokenRe)) << r.out;
    return {id.str(), token.str()};
  }

  // Row returns the line of `out` that holds `id`, or "".
  static std::string Row(const std::string& out, const std::string& id) {
    for (const std::string& line : Lines(out)) {
      if (line.rfind(id, 0) == 0) return line;
    }
    return "";
  }

  LogBackend backend_{GetParam()};
  std::string dir_;
  std::unique_ptr<WitdProcess> witd_;
  std::string session_;
};

TEST_P(CliTest, CreatePrintsTheSeedBlock) {
  CommandResult r = Wit("token create my-token");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 12u) << r.out;
  EXPECT_EQ(lines[0], "Token created successfully");
  EXPECT_EQ(lines[1], "");
  EXPECT_EQ(lines[2], "Name:    my-token");
  EXPECT_TRUE(std::regex_match(lines[3].substr(9), kUuid)) << lines[3];
  EXPECT_EQ(lines[3].substr(0, 9), "ID:      ");
  EXPECT_EQ(lines[4].substr(0, 9), "Token:   ");
  std::string token = lines[4].substr(9);
  EXPECT_TRUE(std::regex_match(token, kTokenRe)) << token;
  EXPECT_EQ(lines[5], "Scopes:  repo:read, repo:write");
  EXPECT_EQ(lines[6], "Expires: Never");
  EXPECT_EQ(lines[7], "");
  EXPECT_EQ(lines[8], "IMPORTANT: Copy this token now. You won't be able to see it again!");
  EXPECT_EQ(lines[9], "");
  EXPECT_EQ(lines[10], "To use this token:");
  EXPECT_EQ(lines[11], "  export WIT_TOKEN=" + token);
}

TEST_P(CliTest, CreateWithExpiryAndScopes) {
  CommandResult r = Wit("token create deploy-token --expires 30 --scopes repo:read");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 12u) << r.out;
  EXPECT_EQ(lines[5], "Scopes:  repo:read");
  EXPECT_TRUE(
      std::regex_match(lines[6], std::regex(R"(Expires: \d{4}-\d{2}-\d{2} \(in (30|29) days\))")))
      << lines[6];
}

TEST_P(CliTest, ListShowsTheTableNewestFirst) {
  auto [old_id, old_token] = Create("ci-token");
  auto [new_id, new_token] =
      Create("deploy-token --expires 30 --scopes repo:read,user:read,user:write");
  CommandResult r = Wit("token list");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 5u) << r.out;
  EXPECT_EQ(lines[0], "Your Personal Access Tokens");
  EXPECT_EQ(lines[1], "");
  EXPECT_TRUE(std::regex_match(lines[2], std::regex("ID +Name +Scopes +Last Used +Expires")))
      << lines[2];
  EXPECT_EQ(lines[3].rfind(new_id, 0), 0u) << "newest first:\n" << r.out;
  EXPECT_EQ(lines[4].rfind(old_id, 0), 0u) << r.out;
  EXPECT_TRUE(std::regex_match(
      lines[3],
      std::regex(".*   deploy-token   repo:read, user:read,write   Never +in (30|29) days")))
      << lines[3];
  EXPECT_TRUE(
      std::regex_match(lines[4], std::regex(".*   ci-token +repo:read,write +Never +Never")))
      << lines[4];
  // Columns line up under their headers.
  for (const char* header : {"Name", "Scopes", "Last Used", "Expires"}) {
    size_t column = lines[2].find(header);
    EXPECT_EQ(lines[3][column - 1], ' ') << header;
    EXPECT_NE(lines[3][column], ' ') << header;
    EXPECT_NE(lines[4][column], ' ') << header;
  }
  EXPECT_EQ(r.out.find(old_token), std::string::npos);
  EXPECT_EQ(r.out.find(new_token), std::string::npos);
}

TEST_P(CliTest, LastUsedAfterAServiceVerifiesTheToken) {
  auto [id, token] = Create("ci-token");
  EXPECT_NE(Row(Wit("token list").out, id).find("   Never   "), std::string::npos);
  std::string service = witd_->ServiceSession("git");
  CommandResult verify =
      RunCommand("curl -sS -X POST -H " + ShellQuote("Authorization: Bearer " + service) +
                 " -H 'Content-Type: application/json' --data " +
                 ShellQuote(R"({"token":")" + token + R"("})") + " " +
                 ShellQuote(witd_->url() + "/api/tokens/verify"));
  ASSERT_EQ(verify.exit_code, 0) << verify.err;
  ASSERT_NE(verify.out.find("\"active\":true"), std::string::npos) << verify.out;
  // The use is durable when verify answers and shows once the view has applied it: at once on
  // the embedded log, after a fetch round trip on Kafka.
  const std::regex used(".*   repo:read,write   just now +Never");
  std::string row;
  // A lambda may not capture a structured binding (C++17): capture a copy of the id.
  Eventually([&, token_id = id] {
    row = Row(Wit("token list").out, token_id);
    return std::regex_match(row, used);
  });
  EXPECT_TRUE(std::regex_match(row, used)) << row;
}

TEST_P(CliTest, RevokedTokensLeaveTheDefaultListButStayInAll) {
  auto [id, token] = Create("old-token");
  auto [kept, kept_token] = Create("kept-token");
  CommandResult r = Wit("token revoke " + id);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Token revoked successfully\n");
  EXPECT_EQ(r.err, "");

  std::string active = Wit("token list").out;
  EXPECT_EQ(Row(active, id), "") << active;
  EXPECT_NE(Row(active, kept), "") << active;

  CommandResult all = Wit("token list --all");
  ASSERT_EQ(all.exit_code, 0) << all.err;
  std::vector<std::string> lines = Lines(all.out);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_TRUE(
      std::regex_match(lines[2], std::regex("ID +Name +Scopes +Last Used +Expires +Status")))
      << lines[2];
  EXPECT_TRUE(std::regex_match(Row(all.out, id), std::regex(".*old-token .* revoked"))) << all.out;
  EXPECT_TRUE(std::regex_match(Row(all.out, kept), std::regex(".*kept-token .* active")))
      << all.out;

  // Revoking again is fine; the last token leaves the list empty.
  EXPECT_EQ(Wit("token revoke " + id).exit_code, 0);
  EXPECT_EQ(Wit("token revoke " + kept).exit_code, 0);
  EXPECT_EQ(Wit("token list").out, "Your Personal Access Tokens\n\nNo tokens found.\n");
}

TEST_P(CliTest, ScopesPrintsTheSeedTextWithoutASession) {
  CommandResult r = Wit("token scopes", "");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "Available Token Scopes\n"
            "\n"
            "Repository:\n"
            "  repo:read    Read repository data (clone, fetch)\n"
            "  repo:write   Write to repositories (push)\n"
            "  repo:admin   Admin operations (delete, settings)\n"
            "\n"
            "User:\n"
            "  user:read    Read user profile\n"
            "  user:write   Update user profile\n");
}

TEST_P(CliTest, RotateReplacesATokenAndLimitsAndSoonExpiriesShow) {
  auto [id, token] = Create(
      "ci --expires 3 --scopes repo:read --allow-ip 10.0.0.0/8 "
      "--allow-ip 2001:db8::/32 --resource 'acme/*'");
  // Under 7 days away: marked in the list.
  EXPECT_NE(Row(Wit("token list").out, id).find("! in "), std::string::npos)
      << Wit("token list").out;
  CommandResult r = Wit("token rotate " + id + " --expires 30");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("Token created successfully\n\nName:    ci\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("Revoked token " + id + " (rotated)\n"), std::string::npos) << r.out;
  std::smatch fresh;
  ASSERT_TRUE(std::regex_search(r.out, fresh, kTokenRe));
  EXPECT_NE(fresh.str(), token);
  std::string list = Wit("token list").out;
  EXPECT_EQ(list.find(id), std::string::npos) << "the old one is revoked: " << list;
  EXPECT_EQ(list.find("! in"), std::string::npos) << "the new one has 30 days: " << list;
  CommandResult json = Wit("token list --json");
  Json created = Json::Parse(json.out).Array("tokens").at(0);
  EXPECT_EQ(created.Str("rotatedFrom"), id);
  EXPECT_EQ(created.Strings("allowedIps"),
            (std::vector<std::string>{"10.0.0.0/8", "2001:db8::/32"}));
  EXPECT_EQ(created.Strings("resources"), std::vector<std::string>{"acme/*"});
  // Rotating the old one again is a reuse: refused, and the new one goes with it.
  ExpectOneErrorLine(Wit("token rotate " + id), "reuse");
  EXPECT_EQ(Wit("token list").out, "Your Personal Access Tokens\n\nNo tokens found.\n");
  ExpectOneErrorLine(Wit("token rotate not-an-id"), "ID");
  ExpectOneErrorLine(Wit("token create x --allow-ip 10.0.0.1/8"), "allowedIps[0]");
}

TEST_P(CliTest, AdminListsRevokesAndIdentifiesEveryUsersTokens) {
  auto [id, token] = Create("alices-ci");
  std::string admin = witd_->AdminSession("root");
  CommandResult list = Wit("admin tokens list --user alice", admin);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(Row(list.out, id).find("alice"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find(token), std::string::npos);
  // A user's own session is no admin's.
  ExpectOneErrorLine(Wit("admin tokens list"), "admin session");

  // identify reads the token from stdin, and names its owner.
  CommandResult who =
      RunCommand("printf '%s' " + ShellQuote(token) + " | env -u WIT_SERVER " +
                 "WIT_SESSION=" + ShellQuote(admin) + " " + ShellQuote(BinDir() + "/wit") +
                 " --server " + ShellQuote(witd_->url()) + " admin tokens identify");
  ASSERT_EQ(who.exit_code, 0) << who.err;
  EXPECT_NE(who.out.find("User:      alice\n"), std::string::npos) << who.out;
  EXPECT_NE(who.out.find("ID:        " + id + "\n"), std::string::npos) << who.out;
  EXPECT_EQ(who.out.find(token), std::string::npos);

  CommandResult revoked = Wit("admin tokens revoke --user alice --reason offboarding", admin);
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  EXPECT_EQ(revoked.out, "Revoked 1 token\n");
  EXPECT_EQ(Wit("token list").out, "Your Personal Access Tokens\n\nNo tokens found.\n");
  ExpectOneErrorLine(Wit("admin tokens revoke --reason x", admin), "--user, --id");
}

TEST_P(CliTest, JsonPrintsTheServersAnswer) {
  CommandResult created = Wit("token create ci --json --scopes repo:admin --expires 7");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  Json token = Json::Parse(created.out);
  std::string id = token.Str("id");
  EXPECT_TRUE(std::regex_match(token.Str("token"), kTokenRe));
  EXPECT_EQ(token.Strings("scopes"), std::vector<std::string>{"repo:admin"});
  ASSERT_TRUE(token.Has("expiresAt"));
  EXPECT_FALSE(token.IsNull("expiresAt"));

  CommandResult list = Wit("token list --json");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::vector<Json> tokens = Json::Parse(list.out).Array("tokens");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].Str("id"), id);
  EXPECT_FALSE(tokens[0].Has("token"));

  CommandResult revoked = Wit("token revoke --json " + id);
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  EXPECT_EQ(Json::Parse(revoked.out).Str("status"), "revoked");

  CommandResult scopes = Wit("token scopes --json", "");
  ASSERT_EQ(scopes.exit_code, 0) << scopes.err;
  EXPECT_EQ(Json::Parse(scopes.out).Size("scopes"), 5);
}

TEST_P(CliTest, ServerComesFromWitServerOrTheFlag) {
  std::string wit = ShellQuote(BinDir() + "/wit");
  CommandResult r = RunCommand("env -u WIT_SESSION WIT_SERVER=" + ShellQuote(witd_->url()) + " " +
                               wit + " token scopes");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("Available Token Scopes\n", 0), 0u);

  // The flag wins over the environment, before or after the subcommand.
  std::string dead = "http://127.0.0.1:" + std::to_string(ClosedPort());
  r = RunCommand("env WIT_SERVER=" + ShellQuote(dead) + " WIT_SESSION=" + ShellQuote(session_) +
                 " " + wit + " token list --server " + ShellQuote(witd_->url()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = RunCommand("env WIT_SERVER=" + ShellQuote(dead) + " " + wit + " token scopes");
  ExpectOneErrorLine(r, "cannot reach the wit server at " + dead);
}

TEST_P(CliTest, SessionFromTheFlag) {
  CommandResult r = Wit("--session " + ShellQuote(session_) + " token list", "");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_P(CliTest, ErrorsAreOneLineAndNonZero) {
  std::string wit = ShellQuote(BinDir() + "/wit");
  std::string dead = "http://127.0.0.1:" + std::to_string(ClosedPort());
  CommandResult down = RunCommand("env WIT_SESSION=" + ShellQuote(session_) + " " + wit +
                                  " --server " + ShellQuote(dead) + " token list");
  ExpectOneErrorLine(down, "cannot reach the wit server at " + dead);
  EXPECT_EQ(down.exit_code, 1);

  CommandResult bad_session = Wit("token list", "not-a-session");
  ExpectOneErrorLine(bad_session, "not signed in or session expired");
  EXPECT_EQ(bad_session.exit_code, 1);

  ExpectOneErrorLine(Wit("token list", witd_->ServiceSession("git")), "permission denied");
  ExpectOneErrorLine(Wit("token list", ""), "WIT_SESSION");

  CommandResult unknown = Wit("token revoke 550e8400-e29b-41d4-a716-446655440000");
  ExpectOneErrorLine(unknown, "token not found");
  EXPECT_EQ(unknown.exit_code, 1);

  ExpectOneErrorLine(Wit("token create x --scopes repo:bogus"), "unknown scope");
  ExpectOneErrorLine(Wit("token list --bogus"), "--bogus");
  CommandResult zero = Wit("token create x --expires 0");
  ExpectOneErrorLine(zero, "--expires");
  EXPECT_EQ(zero.exit_code, 2);
  ExpectOneErrorLine(Wit("token create x --expires -3"), "--expires");
  ExpectOneErrorLine(Wit("token create x --expires 3651"), "--expires");

  // None of these created anything.
  EXPECT_EQ(Wit("token list --all").out, "Your Personal Access Tokens\n\nNo tokens found.\n");
}

INSTANTIATE_TEST_SUITE_P(Logs, CliTest, ::testing::ValuesIn(kLogKinds));

}  // namespace
}  // namespace wit::testing
