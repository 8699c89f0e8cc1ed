// After tokens are created, verified (sync and async audit) and revoked, no file under the data
// dir and no line witd logged holds any token's plaintext, nor its secret part alone.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/log_backend.h"
#include "tests/support/text.h"
#include "tests/test_json.h"
#include "tests/witd_process.h"

namespace wit::testing {
namespace {

namespace fs = std::filesystem;

class SecretsTest : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(SecretsTest, PlaintextNeverReachesDiskOrLogs) {
  LogBackend backend(std::get<0>(GetParam()));
  std::string dir = MakeTempDir("secrets");
  std::vector<std::string> tokens;
  std::string log_path;
  {
    std::vector<std::string> args = backend.WitdArgs();
    args.insert(args.end(), {"--use-audit", std::get<1>(GetParam())});
    WitdProcess witd(dir + "/data", args);
    ASSERT_TRUE(witd.Start());
    log_path = witd.log_path();
    std::string alice = witd.UserSession("alice"), git = witd.ServiceSession("git");
    for (int i = 0; i < 20; ++i) {
      Json t = Json::Parse(Http(witd.port(), "POST", "/api/tokens",
                                "{\"name\":\"t" + std::to_string(i) + "\"}", alice)
                               .body);
      ASSERT_FALSE(t.Str("token").empty());
      tokens.push_back(t.Str("token"));
      for (const char* scope : {"repo:read", "repo:admin"}) {
        Http(witd.port(), "POST", "/api/tokens/verify",
             "{\"token\":\"" + t.Str("token") + "\",\"scope\":\"" + scope + "\"}", git);
      }
      if (i % 3 == 0) {
        Http(witd.port(), "DELETE", "/api/tokens/" + t.Str("id"), "", alice);
        Http(witd.port(), "POST", "/api/tokens/verify", "{\"token\":\"" + t.Str("token") + "\"}",
             git);
      }
    }
    // A near-miss token (bad checksum) is malformed and must not be logged either.
    std::string near = tokens[0];
    near.back() = near.back() == 'a' ? 'b' : 'a';
    Http(witd.port(), "POST", "/api/tokens/verify", "{\"token\":\"" + near + "\"}", git);
    tokens.push_back(near);
    ASSERT_EQ(witd.Stop(), 0);
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  files.emplace_back(log_path);
  ASSERT_GT(files.size(), 5u);
  size_t bytes = 0;
  for (const auto& f : files) {
    std::string content = ReadFile(f);
    bytes += content.size();
    for (const auto& t : tokens) {
      EXPECT_EQ(content.find(t), std::string::npos) << "token plaintext in " << f;
      EXPECT_EQ(content.find(t.substr(13)), std::string::npos) << "token secret in " << f;
    }
  }
  EXPECT_GT(bytes, 1000u) << "the scan read the files";
  fs::remove_all(dir);
  fs::remove(log_path);
}

INSTANTIATE_TEST_SUITE_P(LogsAndUseAudit, SecretsTest,
                         ::testing::Combine(::testing::ValuesIn(kLogKinds),
                                            ::testing::Values("sync", "async")));

fs::perms Mode(const fs::path& p) { return fs::status(p).permissions() & fs::perms::mask; }

TEST(DataDirModeTest, ANewDataDirAndItsFilesAreForWitdsUserOnly) {
  std::string dir = MakeTempDir("private");
  {
    WitdProcess witd(dir + "/data");
    ASSERT_TRUE(witd.Start());
    ASSERT_EQ(
        Http(witd.port(), "POST", "/api/tokens", "{\"name\":\"x\"}", witd.UserSession("alice"))
            .status,
        201);
    ASSERT_EQ(witd.Stop(), 0);
    EXPECT_EQ(ReadFile(witd.log_path()).find("can be read by other users"), std::string::npos);
  }
  EXPECT_EQ(Mode(dir + "/data"), fs::perms::owner_all);
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir + "/data")) {
    EXPECT_EQ(Mode(entry.path()) & (fs::perms::group_all | fs::perms::others_all), fs::perms::none)
        << entry.path();
    ++files;
  }
  EXPECT_GT(files, 5u) << "keys, the log and the view";
  fs::remove_all(dir);
}

TEST(DataDirModeTest, ADataDirOthersCanReadIsWarnedAbout) {
  std::string dir = MakeTempDir("shared");
  fs::create_directories(dir + "/data");
  fs::permissions(dir + "/data", fs::perms::owner_all | fs::perms::group_read |
                                     fs::perms::group_exec | fs::perms::others_read |
                                     fs::perms::others_exec);
  WitdProcess witd(dir + "/data");
  ASSERT_TRUE(witd.Start());
  ASSERT_EQ(witd.Stop(), 0);
  std::string log = ReadFile(witd.log_path());
  EXPECT_NE(log.find("WARN data dir " + dir + "/data can be read by other users"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("chmod 700"), std::string::npos) << log;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace wit::testing
