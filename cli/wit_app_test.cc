#include "cli/wit_app.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "token/token.h"

namespace wit {
namespace {

struct Result {
  int exit_code;
  std::string out;
  std::string err;
};

// Wit runs the command line with WIT_SERVER, WIT_SESSION and WIT_TOKEN unset. Nothing here reaches
// a server: every case fails before a request, or talks to a port nobody listens on.
Result Wit(std::vector<std::string> args, const std::string& wit_token = "") {
  unsetenv("WIT_SERVER");
  unsetenv("WIT_SESSION");
  unsetenv("WIT_TOKEN");
  if (!wit_token.empty()) setenv("WIT_TOKEN", wit_token.c_str(), 1);
  args.insert(args.begin(), "wit");
  std::vector<const char*> argv;
  argv.reserve(args.size());
  for (const auto& a : args) argv.push_back(a.c_str());
  std::istringstream in;
  std::ostringstream out, err;
  int code = RunWit(static_cast<int>(argv.size()), argv.data(), in, out, err);
  unsetenv("WIT_TOKEN");
  return {code, out.str(), err.str()};
}

// ExpectOneErrorLine checks the error contract: "wit: ..." on one line, nothing on stdout.
void ExpectOneErrorLine(const Result& r, int code, const std::string& needle) {
  EXPECT_EQ(r.exit_code, code);
  EXPECT_EQ(r.out, "");
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.rfind("wit: ", 0), 0u) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
}

TEST(WitAppTest, UsageErrorsExitTwoWithOneLine) {
  ExpectOneErrorLine(Wit({"token", "create", "x", "--expires", "0", "--session", "s"}), 2,
                     "--expires");
  ExpectOneErrorLine(Wit({"token", "create", "x", "--expires", "soon", "--session", "s"}), 2,
                     "--expires");
  ExpectOneErrorLine(Wit({"token", "list", "--bogus"}), 2, "--bogus");
  ExpectOneErrorLine(Wit({"token", "create"}), 2, "NAME");
  ExpectOneErrorLine(Wit({}), 2, "wit --help");
  ExpectOneErrorLine(Wit({"token", "revoke", "not-an-id", "--session", "s"}), 2, "not-an-id");
  ExpectOneErrorLine(Wit({"--server", "ftp://x", "token", "scopes"}), 2, "https://");
}

TEST(WitAppTest, NoSessionIsReportedBeforeAnyRequest) {
  // Port 1 would refuse the connection; the session check must come first.
  for (std::vector<std::string> args :
       {std::vector<std::string>{"token", "list"},
        {"token", "create", "ci"},
        {"token", "revoke", "550e8400-e29b-41d4-a716-446655440000"}}) {
    args.insert(args.begin(), {"--server", "http://127.0.0.1:1"});
    ExpectOneErrorLine(Wit(args), 2, "WIT_SESSION");
  }
}

TEST(WitAppTest, WitTokenIsTheCredentialWhenNoSessionIsGiven) {
  std::string token = "wit_AbCdEfGh_" + std::string(32, 'A');
  token += Base62Fixed(Crc32(token), kTokenChecksumLength);
  Result r = Wit({"--server", "http://127.0.0.1:1", "token", "list"}, token);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("wit: acting as token wit_AbCdEfGh (WIT_TOKEN)\nwit: cannot reach", 0), 0u)
      << r.err;
  EXPECT_EQ(r.err.find(token), std::string::npos);
  // A session comes first.
  r = Wit({"--server", "http://127.0.0.1:1", "token", "list", "--session", "s"}, token);
  EXPECT_EQ(r.err.find("acting as token"), std::string::npos) << r.err;
  // A token that is not one is refused before anything is sent, and not repeated.
  r = Wit({"--server", "http://127.0.0.1:1", "token", "list"}, "wit_notatoken");
  ExpectOneErrorLine(r, 2, "WIT_TOKEN is not a wit token");
  EXPECT_EQ(r.err.find("notatoken"), std::string::npos);
}

TEST(WitAppTest, UnreachableServerExitsOne) {
  ExpectOneErrorLine(Wit({"--server", "http://127.0.0.1:1", "token", "scopes"}), 1,
                     "cannot reach the wit server at http://127.0.0.1:1");
  ExpectOneErrorLine(Wit({"token", "list", "--server", "http://127.0.0.1:1", "--session", "s"}), 1,
                     "Connection refused");
}

TEST(WitAppTest, ASessionSentInClearToAnotherHostIsWarnedAbout) {
  // 0.0.0.0 is not loopback by name, yet the connection goes to this machine's port 1 and is
  // refused at once.
  Result r = Wit({"--server", "http://0.0.0.0:1", "token", "list", "--session", "s"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("wit: warning: your session goes to http://0.0.0.0:1 unencrypted", 0), 0u)
      << r.err;
  EXPECT_NE(r.err.find("--insecure-http"), std::string::npos) << r.err;

  r = Wit({"--server", "http://0.0.0.0:1", "--insecure-http", "token", "list", "--session", "s"});
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  r = Wit({"--server", "http://127.0.0.1:1", "token", "list", "--session", "s"});
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << "loopback: " << r.err;
  r = Wit({"--server", "http://0.0.0.0:1", "token", "scopes"});
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << "no session is sent: " << r.err;
}

TEST(WitAppTest, HelpGoesToStdoutAndSucceeds) {
  Result r = Wit({"token", "create", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--expires"), std::string::npos);
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace wit
