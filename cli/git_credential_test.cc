#include "cli/git_credential.h"

#include <gtest/gtest.h>

#include <sstream>

namespace wit {
namespace {

StatusOr<GitCredentialRequest> Parse(const std::string& text) {
  std::istringstream in(text);
  return ParseGitCredentialRequest(in);
}

TEST(GitCredentialTest, ReadsGitsRequestUpToTheBlankLine) {
  StatusOr<GitCredentialRequest> r = Parse(
      "protocol=https\nhost=git.example.com:8443\npath=a/b.git\ncapability[]=authtype\n"
      "wwwauth[]=Basic realm=\"wit\"\n\nhost=ignored\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->protocol, "https");
  EXPECT_EQ(r->host, "git.example.com:8443");
  EXPECT_EQ(r->username, "");
  EXPECT_TRUE(Parse("").ok());  // git may send nothing at all
  EXPECT_EQ(Parse("protocol=https\r\nhost=h\r\n")->host, "h");
}

TEST(GitCredentialTest, RefusesWhatIsNotItsFormat) {
  EXPECT_FALSE(Parse("protocol\n").ok());
  EXPECT_FALSE(Parse("=https\n").ok());
  EXPECT_FALSE(Parse(std::string("host=a\0b\n", 9)).ok());
  EXPECT_FALSE(Parse("host=" + std::string(kMaxGitCredentialBytes, 'a') + "\n").ok());
}

TEST(GitCredentialTest, AnswersWithTheTokenOnlyWhereItStaysEncrypted) {
  const std::string token = "wit_AAAAAAAA_secret";
  GitCredentialAnswer https = AnswerGitCredential({"https", "git.example.com", ""}, token);
  EXPECT_EQ(https.text, "username=wit\npassword=" + token + "\n");
  EXPECT_EQ(https.warning, "");
  // A user name from the URL is kept.
  EXPECT_EQ(AnswerGitCredential({"https", "h", "alice"}, token).text,
            "username=alice\npassword=" + token + "\n");
  // http only to this machine.
  EXPECT_NE(AnswerGitCredential({"http", "127.0.0.1:9000", ""}, token).text, "");
  EXPECT_NE(AnswerGitCredential({"http", "[::1]:9000", ""}, token).text, "");
  for (const GitCredentialRequest& r :
       {GitCredentialRequest{"http", "git.example.com", ""},
        GitCredentialRequest{"http", "127.0.0.1.evil.example", ""},
        GitCredentialRequest{"ftp", "localhost", ""}, GitCredentialRequest{"", "", ""}}) {
    GitCredentialAnswer a = AnswerGitCredential(r, token);
    EXPECT_EQ(a.text, "") << r.protocol << "://" << r.host;
    EXPECT_NE(a.warning, "") << r.protocol << "://" << r.host;
    EXPECT_EQ(a.warning.find(token), std::string::npos);
  }
  // Without a token there is nothing to say: git asks its next helper.
  GitCredentialAnswer none = AnswerGitCredential({"https", "h", ""}, "");
  EXPECT_EQ(none.text, "");
  EXPECT_EQ(none.warning, "");
}

TEST(GitCredentialTest, TheHostToConfigure) {
  EXPECT_EQ(*GitCredentialUrl("git.example.com"), "https://git.example.com");
  EXPECT_EQ(*GitCredentialUrl("git.example.com:8443"), "https://git.example.com:8443");
  EXPECT_EQ(*GitCredentialUrl("http://127.0.0.1:9000"), "http://127.0.0.1:9000");
  for (const char* bad : {"", "a b", "h/path", "https://", "ftp://h", "h'x", "https://h/x"}) {
    EXPECT_FALSE(GitCredentialUrl(bad).ok()) << bad;
  }
  EXPECT_EQ(HelperCommand("/usr/bin/wit"), "!'/usr/bin/wit' auth git-credential");
  EXPECT_EQ(HelperCommand("/o'brien/wit"), "!'/o'\\''brien/wit' auth git-credential");
}

}  // namespace
}  // namespace wit
