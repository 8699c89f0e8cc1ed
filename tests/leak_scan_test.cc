// A leak found in a tree, revoked: `wit-audit scan --revoke` against a real witd, with an admin
// session, as a security team would run it over a repository someone pushed a token to.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/log_backend.h"
#include "tests/support/text.h"
#include "tests/test_json.h"
#include "tests/witd_process.h"
#include "token/token.h"

namespace wit::testing {
namespace {

TEST(LeakScanTest, ScanRevokeRevokesWhatItFindsAndOnlyThat) {
  std::string dir = MakeTempDir("leak-scan");
  WitdProcess witd(dir + "/data");
  ASSERT_TRUE(witd.Start()) << witd.log_path();
  std::string alice = witd.UserSession("alice"), bob = witd.UserSession("bob");
  std::string git = witd.ServiceSession("git");
  auto create = [&](const std::string& session) {
    HttpResponse r = Http(witd.port(), "POST", "/api/tokens", "{\"name\":\"ci\"}", session);
    EXPECT_EQ(r.status, 201) << r.body;
    return Json::Parse(r.body);
  };
  Json leaked_a = create(alice), leaked_b = create(bob), kept = create(alice);
  std::string stranger = GenerateToken().plaintext;  // well-formed, of no ledger
  std::filesystem::create_directories(dir + "/repo/.github");
  std::ofstream(dir + "/repo/.github/ci.yml")
      << "env:\n  WIT_TOKEN: " << leaked_a.Str("token") << "\n";
  std::ofstream(dir + "/repo/notes.txt")
      << leaked_b.Str("token") << " and again " << leaked_b.Str("token") << "\n"
      << stranger << "\n";

  std::string wit_audit = ShellQuote(BinDir() + "/wit-audit");
  // Without an admin session nothing is revoked, and the scan still reports.
  CommandResult refused = RunCommand(
      "env -u WIT_SESSION " + wit_audit + " scan --revoke --server " + ShellQuote(witd.url()) +
      " --session " + ShellQuote(alice) + " " + ShellQuote(dir + "/repo"));
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("admin session"), std::string::npos) << refused.err;

  std::string root = witd.AdminSession("root");
  CommandResult r = RunCommand(wit_audit + " scan --revoke --server " + ShellQuote(witd.url()) +
                               " --session " + ShellQuote(root) + " " + ShellQuote(dir + "/repo"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(Lines(r.out).size(), 4u) << r.out;  // b twice, a, the stranger
  EXPECT_NE(r.err.find("revoked 2 of 3 tokens found (0 already revoked, 1 unknown"),
            std::string::npos)
      << r.err;
  for (const std::string& t : {leaked_a.Str("token"), leaked_b.Str("token"), stranger}) {
    EXPECT_EQ(r.out.find(t), std::string::npos) << "a token was printed";
    EXPECT_EQ(r.err.find(t), std::string::npos);
  }
  auto verify = [&](const Json& t) {
    return Json::Parse(Http(witd.port(), "POST", "/api/tokens/verify",
                            "{\"token\":\"" + t.Str("token") + "\"}", git)
                           .body);
  };
  EXPECT_EQ(verify(leaked_a).Str("reason"), "revoked");
  EXPECT_EQ(verify(leaked_b).Str("reason"), "revoked");
  EXPECT_TRUE(verify(kept).Bool("active")) << "only what was found";
  Json gone =
      Json::Parse(Http(witd.port(), "GET", "/api/tokens/" + leaked_b.Str("id"), "", bob).body);
  EXPECT_EQ(gone.Str("revokedReason"), "leaked");
  EXPECT_EQ(witd.Stop(), 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wit::testing
