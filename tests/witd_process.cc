#include "tests/witd_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "base/random.h"
#include "ledger/embedded_event_log.h"
#include "tests/support/text.h"

namespace wit::testing {
namespace {

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::string BinDir() { return WIT_BIN_DIR; }

std::string MakeTempDir(const std::string& tag) {
  auto dir = std::filesystem::temp_directory_path() / ("wit-" + tag + "-" + NewUuid());
  std::filesystem::create_directories(dir);
  return dir.string();
}

CommandResult RunCommand(const std::string& command, const std::string& input) {
  std::string dir = MakeTempDir("cmd");
  std::string in = dir + "/in", out = dir + "/out", err = dir + "/err";
  std::ofstream(in, std::ios::binary) << input;
  std::string full = "(" + command + ") <" + in + " >" + out + " 2>" + err;
  int rc = std::system(full.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  std::filesystem::remove_all(dir);
  return r;
}

std::vector<std::string> ReadEmbeddedLog(const std::string& data_dir) {
  std::vector<std::string> payloads;
  auto log = EmbeddedEventLog::Open(data_dir + "/log");
  if (!log.ok()) return payloads;
  auto reader = (*log)->OpenReader({});
  std::vector<LogRecord> records;
  while (true) {
    size_t before = records.size();
    if (!(*reader)->Read(4096, std::chrono::milliseconds(0), &records).ok()) break;
    if (records.size() == before) break;
  }
  for (auto& r : records) payloads.push_back(std::move(r.payload));
  return payloads;
}

WitdProcess::WitdProcess(std::string data_dir, std::vector<std::string> extra_args)
    : data_dir_(std::move(data_dir)), extra_args_(std::move(extra_args)) {}

WitdProcess::~WitdProcess() {
  if (pid_ > 0) Kill();
}

bool WitdProcess::Start() {
  static std::atomic<int> counter{0};
  log_path_ = data_dir_ + ".witd-" + std::to_string(++counter) + ".log";
  std::vector<std::string> args;
  if (!netns_.empty()) args = {"/usr/sbin/ip", "netns", "exec", netns_};
  args.insert(args.end(),
              {BinDir() + "/witd", "serve", "--listen", host_ + ":0", "--data-dir", data_dir_});
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // Between fork and exec only async-signal-safe calls: the test process may run other
  // threads (a mock Kafka cluster) that hold locks malloc would need.
  int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  pid_ = fork();
  if (pid_ == 0) {
    if (log_fd >= 0) dup2(log_fd, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  if (log_fd >= 0) ::close(log_fd);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  const bool tls =
      std::find(extra_args_.begin(), extra_args_.end(), "--tls-cert") != extra_args_.end();
  const std::string marker = (tls ? "listening on https://" : "listening on ") + host_ + ":";
  while (std::chrono::steady_clock::now() < deadline) {
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      // The log usually goes with the test's temp dir: show why witd stopped here and now.
      std::string log = ReadFile(log_path_);
      std::fprintf(stderr, "witd exited while starting (status %d); its log ends:\n%s\n", status,
                   log.substr(log.size() > 4000 ? log.size() - 4000 : 0).c_str());
      return false;
    }
    std::string log = ReadFile(log_path_);
    size_t at = log.find(marker);
    if (port_ == 0 && at != std::string::npos) {
      port_ = static_cast<uint16_t>(std::stoi(log.substr(at + marker.size())));
    }
    if (port_ != 0) {
      if (tls) {
        // The harness's Http speaks plain HTTP only; curl checks an HTTPS witd (any certificate).
        CommandResult r = RunCommand("curl -sk -o /dev/null -w '%{http_code}' https://127.0.0.1:" +
                                     std::to_string(port_) + "/readyz");
        if (r.out == "200") return true;
      } else {
        try {
          if (HttpClient(host_, port_).Send("GET", "/readyz").status == 200) return true;
        } catch (...) {
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

int WitdProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 2000; ++i) {
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      port_ = 0;
      int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      if (code != 0) {
        // The log goes with the test's temp dir: show why witd did not stop cleanly.
        std::string log = ReadFile(log_path_);
        if (log.size() > 8192) log = "...\n" + log.substr(log.size() - 8192);
        std::cerr << "witd exited " << code << " on SIGTERM; its stderr:\n" << log << "\n";
      }
      return code;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Kill();
  return -1;
}

void WitdProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  port_ = 0;
}

std::string WitdProcess::SecretFlag() const {
  for (size_t i = 0; i + 1 < extra_args_.size(); ++i) {
    if (extra_args_[i] == "--session-secret-file") {
      return " --session-secret-file '" + extra_args_[i + 1] + "'";
    }
  }
  return " --data-dir '" + data_dir_ + "'";
}

std::string WitdProcess::UserSession(const std::string& user) const {
  return Trim(
      RunCommand(BinDir() + "/witd session issue --user '" + user + "'" + SecretFlag()).out);
}

std::string WitdProcess::ServiceSession(const std::string& service) const {
  return Trim(
      RunCommand(BinDir() + "/witd session issue --service '" + service + "'" + SecretFlag()).out);
}

std::string WitdProcess::AdminSession(const std::string& user) const {
  return Trim(
      RunCommand(BinDir() + "/witd session issue --admin --user '" + user + "'" + SecretFlag())
          .out);
}

}  // namespace wit::testing
