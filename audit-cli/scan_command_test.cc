#include "audit-cli/scan_command.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "audit-cli/audit_app.h"
#include "base/random.h"
#include "token/token.h"

namespace wit {
namespace {

namespace fs = std::filesystem;

class ScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wit-scan-" + NewUuid());
    fs::create_directories(dir_ / "src" / "deep");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const fs::path& rel, const std::string& text) {
    std::ofstream(dir_ / rel, std::ios::binary) << text;
  }

  // Scan runs `wit-audit scan ARGS` through RunAudit; returns the exit status.
  int Scan(std::vector<std::string> args, const std::string& stdin_text = "") {
    args.insert(args.begin(), {"wit-audit", "scan"});
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    std::istringstream in(stdin_text);
    out_.str("");
    err_.str("");
    return RunAudit(static_cast<int>(argv.size()), argv.data(), in, out_, err_, false, nullptr);
  }

  fs::path dir_;
  std::ostringstream out_, err_;
};

TEST_F(ScanTest, FindsPlantedTokensByHashAndNeverPrintsThem) {
  GeneratedToken a = GenerateToken(), b = GenerateToken(), c = GenerateToken();
  std::string broken = a.plaintext;
  broken.back() = broken.back() == 'A' ? 'B' : 'A';  // checksum no longer holds
  Write("src/config.env", "# settings\nTOKEN=" + a.plaintext + "\n");
  Write("src/deep/notes.md", "line 1\nline 2\ncurl -H 'Authorization: Bearer " + b.plaintext +
                                 "' https://wit\nnot one: " + broken + "\n");
  Write("src/deep/noise.txt", "x" + c.plaintext + "\n" + c.plaintext + "9\nwit_short\n");
  // A token beyond the first read chunk (64 KiB), and one across the chunk's edge.
  std::string big(70000, 'z');
  big[69999] = '\n';
  size_t edge = (1 << 16) - 20;
  big.replace(edge - 1, 1, " ");
  big.replace(edge, kTokenLength, c.plaintext);
  big[edge + kTokenLength] = ' ';
  Write("src/big.log", big + c.plaintext + "\n");

  EXPECT_EQ(Scan({(dir_ / "src").string()}), 1) << err_.str();
  std::string out = out_.str();
  for (const GeneratedToken* t : {&a, &b, &c}) {
    EXPECT_EQ(out.find(t->plaintext), std::string::npos) << "a token was printed";
    EXPECT_EQ(err_.str().find(t->plaintext), std::string::npos);
  }
  std::string root = (dir_ / "src").string();
  EXPECT_NE(out.find(root + "/config.env:2: wit token prefix " + a.prefix + ", tokenHash " +
                     a.hash + "\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(root + "/deep/notes.md:3: wit token prefix " + b.prefix), std::string::npos)
      << out;
  EXPECT_NE(out.find(root + "/big.log:1: wit token prefix " + c.prefix), std::string::npos) << out;
  EXPECT_NE(out.find(root + "/big.log:2: wit token prefix " + c.prefix), std::string::npos) << out;
  // Noise: the broken checksum, a token inside a longer word, a short lookalike.
  EXPECT_EQ(out.find("noise.txt"), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 4) << out;
  EXPECT_NE(err_.str().find("scanned 4 files: 4 tokens found"), std::string::npos) << err_.str();
}

TEST_F(ScanTest, StdinAndExitStatuses) {
  GeneratedToken t = GenerateToken();
  EXPECT_EQ(Scan({}, "pasted: " + t.plaintext + "\n"), 1);
  EXPECT_EQ(out_.str(), "-:1: wit token prefix " + t.prefix + ", tokenHash " + t.hash + "\n");
  EXPECT_EQ(Scan({"-"}, "nothing here\n"), 0);
  EXPECT_EQ(out_.str(), "");
  Write("clean.txt", "wit_ is a prefix\n");
  EXPECT_EQ(Scan({(dir_ / "clean.txt").string()}), 0);
  // A path that cannot be read is no clean bill: exit 2, named on stderr.
  EXPECT_EQ(Scan({(dir_ / "missing").string()}), 2);
  EXPECT_NE(err_.str().find("cannot read"), std::string::npos) << err_.str();
}

}  // namespace
}  // namespace wit
