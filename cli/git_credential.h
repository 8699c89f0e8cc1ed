#ifndef WIT_CLI_GIT_CREDENTIAL_H_
#define WIT_CLI_GIT_CREDENTIAL_H_

#include <istream>
#include <string>
#include <string_view>

#include "base/status.h"

namespace wit {

// GitCredentialRequest is what git asks a credential helper (git-credential(1)): the
// attributes of the URL it needs a credential for. Others (path, capability[], wwwauth[])
// are read and ignored.
struct GitCredentialRequest {
  std::string protocol;  // "https"
  std::string host;      // "git.example.com" or "127.0.0.1:8443"
  std::string username;  // when the URL names one
};

// kMaxGitCredentialBytes bounds what a helper reads: git's requests are a few lines.
constexpr size_t kMaxGitCredentialBytes = 64 * 1024;

// ParseGitCredentialRequest reads "key=value" lines up to a blank line or the end of the
// input. A line without "=", a NUL, or more than kMaxGitCredentialBytes is InvalidArgument.
//
//   std::istringstream in("protocol=https\nhost=git.example.com\n\n");
//   ParseGitCredentialRequest(in)->host  // "git.example.com"
StatusOr<GitCredentialRequest> ParseGitCredentialRequest(std::istream& in);

// kGitUsername is the user name the helper answers with: the token alone authenticates, and
// the ledger accepts any name beside it.
inline constexpr const char* kGitUsername = "wit";

// AnswerGitCredential is what `wit auth git-credential get` prints for `request`: the
// username and the token as password, in git's format. No answer (git goes on to its next
// helper or prompt) when there is no token, or, with a warning, when the token would cross a
// network in clear: any protocol but https, or http to a host that is not this machine.
struct GitCredentialAnswer {
  std::string text;     // what to print on stdout, "" for no answer
  std::string warning;  // why there is no answer, for stderr, "" when none
};
GitCredentialAnswer AnswerGitCredential(const GitCredentialRequest& request,
                                        std::string_view token);

// GitCredentialUrl is the URL `wit auth setup-git --host HOST` configures the helper for:
// HOST itself when it has a scheme ("http://127.0.0.1:9000"), else "https://HOST". A HOST
// with a space, a control character, a path or a quote is InvalidArgument.
StatusOr<std::string> GitCredentialUrl(const std::string& host);

// SetupGit writes the helper into git's global config for `url`, as `gh auth setup-git`
// does: credential.URL.helper is reset to "" (no other helper answers for that host) and then
// set to `!'WIT_PATH' auth git-credential`. Runs `git config --global`; a failure to run it
// is Unavailable, git's refusal Internal with its exit status.
Status SetupGit(const std::string& url, const std::string& wit_path);

// HelperCommand is the helper's value in git's config: `!'PATH' auth git-credential`, the
// path quoted for the shell git runs it with.
std::string HelperCommand(const std::string& wit_path);

}  // namespace wit

#endif  // WIT_CLI_GIT_CREDENTIAL_H_
