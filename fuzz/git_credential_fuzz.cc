// git's credential-helper requests, as `wit auth git-credential` reads them from stdin: any
// bytes give a request or an error, and an answer is exactly a username line and the token as
// the password, never for a host over plain http that is not this machine.
#include <cstdint>
#include <sstream>
#include <string>

#include "cli/git_credential.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  wit::StatusOr<wit::GitCredentialRequest> request = wit::ParseGitCredentialRequest(in);
  if (!request.ok()) return 0;
  const std::string token = "wit_FUZZFUZZ_token";
  wit::GitCredentialAnswer answer = wit::AnswerGitCredential(*request, token);
  if (answer.text.empty()) return 0;
  if (request->protocol != "https" && request->protocol != "http") __builtin_trap();
  // Exactly two lines: "username=<one line>" and the token as the password.
  const std::string tail = "\npassword=" + token + "\n";
  const std::string& text = answer.text;
  if (text.rfind("username=", 0) != 0 || text.size() < 9 + tail.size() ||
      text.compare(text.size() - tail.size(), tail.size(), tail) != 0 ||
      text.find('\n') != text.size() - tail.size()) {
    __builtin_trap();
  }
  (void)wit::GitCredentialUrl(request->host);
  return 0;
}
