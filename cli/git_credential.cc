#include "cli/git_credential.h"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "net/server_address.h"

extern char** environ;

namespace wit {
namespace {

// HostName drops a ":port" from git's host attribute ("[::1]:8443" keeps its brackets off).
std::string HostName(const std::string& host) {
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    return close == std::string::npos ? host : host.substr(1, close - 1);
  }
  size_t colon = host.find(':');
  return colon == std::string::npos ? host : host.substr(0, colon);
}

// RunGit runs git with `args` (no shell) and returns its exit status.
StatusOr<int> RunGit(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>("git"));
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, "git", nullptr, nullptr, argv.data(), environ);
  if (rc != 0) return Status::Unavailable(std::string("cannot run git: ") + std::strerror(rc));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Status::Unavailable("cannot wait for git");
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

StatusOr<GitCredentialRequest> ParseGitCredentialRequest(std::istream& in) {
  GitCredentialRequest request;
  std::string line;
  size_t total = 0;
  while (std::getline(in, line)) {
    total += line.size() + 1;
    if (total > kMaxGitCredentialBytes) {
      return Status::InvalidArgument("the credential request is larger than 64 KiB");
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;
    if (line.find('\0') != std::string::npos) {
      return Status::InvalidArgument("the credential request holds a NUL");
    }
    size_t eq = line.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::InvalidArgument("a credential request line is not key=value");
    }
    std::string key = line.substr(0, eq);
    std::string value = line.substr(eq + 1);
    if (key == "protocol") {
      request.protocol = std::move(value);
    } else if (key == "host") {
      request.host = std::move(value);
    } else if (key == "username") {
      request.username = std::move(value);
    }
  }
  return request;
}

GitCredentialAnswer AnswerGitCredential(const GitCredentialRequest& request,
                                        std::string_view token) {
  GitCredentialAnswer answer;
  if (token.empty()) return answer;
  if (request.protocol != "https" &&
      !(request.protocol == "http" && IsLoopback(HostName(request.host)))) {
    answer.warning = "not sending WIT_TOKEN to " + request.protocol + "://" + request.host +
                     ": only https://, or http:// to this machine, keeps it off the network "
                     "in clear";
    return answer;
  }
  // A name git already has (from the URL) is kept: git would otherwise ask for it again.
  bool safe_name = request.username.find('\n') == std::string::npos;
  std::string username = request.username.empty() || !safe_name ? kGitUsername : request.username;
  answer.text = "username=" + username + "\npassword=" + std::string(token) + "\n";
  return answer;
}

StatusOr<std::string> GitCredentialUrl(const std::string& host) {
  if (host.empty()) return Status::InvalidArgument("--host must not be empty");
  for (char c : host) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '\'' || c == '"' || c == '\\') {
      return Status::InvalidArgument("--host holds a space, quote or control character");
    }
  }
  size_t scheme = host.find("://");
  std::string url = scheme == std::string::npos ? "https://" + host : host;
  std::string rest = url.substr(url.find("://") + 3);
  if (rest.empty() || rest.find('/') != std::string::npos) {
    return Status::InvalidArgument("--host is a host[:port] or scheme://host[:port], no path");
  }
  std::string name = url.substr(0, url.find("://"));
  if (name != "https" && name != "http") {
    return Status::InvalidArgument("--host's scheme must be https or http");
  }
  return url;
}

std::string HelperCommand(const std::string& wit_path) {
  std::string quoted = "'";
  for (char c : wit_path) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return "!" + quoted + "' auth git-credential";
}

Status SetupGit(const std::string& url, const std::string& wit_path) {
  std::string key = "credential." + url + ".helper";
  // Exit status 5: there was nothing to unset, which is fine.
  StatusOr<int> rc = RunGit({"config", "--global", "--unset-all", key});
  if (!rc.ok()) return rc.status();
  if (*rc != 0 && *rc != 5) {
    return Status::Internal("git config --global --unset-all " + key + " exited with " +
                            std::to_string(*rc));
  }
  for (const std::string& value : {std::string(), HelperCommand(wit_path)}) {
    rc = RunGit({"config", "--global", "--add", key, value});
    if (!rc.ok()) return rc.status();
    if (*rc != 0) {
      return Status::Internal("git config --global --add " + key + " exited with " +
                              std::to_string(*rc));
    }
  }
  return Status::OK();
}

}  // namespace wit
