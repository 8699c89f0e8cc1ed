// witd over HTTPS: a certificate the test makes with openssl, clients that trust it (curl, wit
// with --ca-file) and clients that do not, and protocols older than TLS 1.2 refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/test_json.h"
#include "tests/witd_process.h"

namespace wit::testing {
namespace {

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("tls");
    CommandResult cert = RunCommand(
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
        "-addext subjectAltName=IP:127.0.0.1 -keyout " +
        dir_ + "/key.pem -out " + dir_ + "/cert.pem 2>&1");
    ASSERT_EQ(cert.exit_code, 0) << cert.out;
    witd_ = std::make_unique<WitdProcess>(
        dir_ + "/data",
        std::vector<std::string>{"--tls-cert", dir_ + "/cert.pem", "--tls-key", dir_ + "/key.pem"});
    ASSERT_TRUE(witd_->Start()) << "witd did not start with TLS";
    url_ = "https://127.0.0.1:" + std::to_string(witd_->port());
  }
  void TearDown() override {
    witd_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string dir_, url_;
  std::unique_ptr<WitdProcess> witd_;
};

TEST_F(TlsTest, CurlTrustingTheCertificateGetsThrough) {
  CommandResult r =
      RunCommand("curl -sS --cacert " + dir_ + "/cert.pem " + url_ + "/api/tokens/scopes");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Json::Parse(r.out).Array("scopes").size(), 5u);
}

TEST_F(TlsTest, ACurlThatDoesNotTrustItIsRefused) {
  CommandResult r = RunCommand("curl -sS " + url_ + "/healthz");
  EXPECT_EQ(r.exit_code, 60) << r.err;  // curl: peer certificate cannot be authenticated
}

TEST_F(TlsTest, PlainHttpOnTheTlsPortGetsNoAnswer) {
  CommandResult r = RunCommand("curl -sS -m 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:" +
                               std::to_string(witd_->port()) + "/healthz");
  EXPECT_NE(r.out, "200");
}

TEST_F(TlsTest, ProtocolsOlderThanTls12AreRefused) {
  for (const char* version : {"-tls1", "-tls1_1"}) {
    CommandResult r =
        RunCommand("openssl s_client -connect 127.0.0.1:" + std::to_string(witd_->port()) + " " +
                   version + " </dev/null 2>&1");
    EXPECT_NE(r.exit_code, 0) << version << "\n" << r.out;
  }
  CommandResult ok =
      RunCommand("openssl s_client -connect 127.0.0.1:" + std::to_string(witd_->port()) +
                 " -tls1_2 </dev/null 2>&1");
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
}

TEST_F(TlsTest, WitWithTheCaFileWorksAndWithoutItFailsClearly) {
  std::string session = witd_->UserSession("alice");
  std::string wit = BinDir() + "/wit --server " + url_ + " --session " + session;
  CommandResult made =
      RunCommand(wit + " --ca-file " + dir_ + "/cert.pem token create over-tls --json");
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_EQ(Json::Parse(made.out).Str("name"), "over-tls");
  CommandResult listed = RunCommand(wit + " --ca-file " + dir_ + "/cert.pem token list");
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("over-tls"), std::string::npos);

  CommandResult untrusted = RunCommand(wit + " token list");
  EXPECT_NE(untrusted.exit_code, 0);
  EXPECT_NE(untrusted.err.find("TLS"), std::string::npos) << untrusted.err;
  EXPECT_NE(untrusted.err.find("--ca-file"), std::string::npos) << untrusted.err;
  EXPECT_EQ(untrusted.out, "");
}

TEST(TlsStartTest, ABadCertificateStopsWitdWithAClearError) {
  std::string dir = MakeTempDir("tls-bad");
  std::ofstream(dir + "/cert.pem") << "not a certificate\n";
  std::ofstream(dir + "/key.pem") << "not a key\n";
  CommandResult r =
      RunCommand(BinDir() + "/witd serve --listen 127.0.0.1:0 --data-dir " + dir +
                 "/data --tls-cert " + dir + "/cert.pem --tls-key " + dir + "/key.pem");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("TLS certificate"), std::string::npos) << r.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wit::testing
