#ifndef WIT_TESTS_WITD_PROCESS_H_
#define WIT_TESTS_WITD_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "tests/support/http_client.h"

namespace wit::testing {

// BinDir is where the build put witd, wit and the other programs.
std::string BinDir();

// TempDir makes a fresh directory under the system temp dir; the caller removes it.
std::string MakeTempDir(const std::string& tag);

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// RunCommand runs `command` with /bin/sh, feeding `input` on stdin, and captures its output.
CommandResult RunCommand(const std::string& command, const std::string& input = "");

// ReadEmbeddedLog returns every record payload of the embedded log under `data_dir`, in log
// order. witd must not be running (the log allows one writer).
std::vector<std::string> ReadEmbeddedLog(const std::string& data_dir);

// WitdProcess runs a real `witd serve` on a free loopback port with the given data dir.
//
//   WitdProcess witd(dir);
//   ASSERT_TRUE(witd.Start());
//   Http(witd.port(), "GET", "/healthz");
class WitdProcess {
 public:
  explicit WitdProcess(std::string data_dir, std::vector<std::string> extra_args = {});
  ~WitdProcess();
  WitdProcess(const WitdProcess&) = delete;
  WitdProcess& operator=(const WitdProcess&) = delete;

  // RunIn makes Start run witd in the network namespace `netns` (`ip netns exec`), listening
  // on `host`, the namespace's own address that the test reaches it at. Call before Start.
  void RunIn(std::string netns, std::string host) {
    netns_ = std::move(netns);
    host_ = std::move(host);
  }

  // Start launches witd and waits until it listens and /readyz answers 200.
  bool Start();
  // Stop sends SIGTERM and returns the exit status (or -1 if it did not exit in 20 s).
  int Stop();
  // Kill sends SIGKILL and reaps the process.
  void Kill();

  uint16_t port() const { return port_; }
  const std::string& host() const { return host_; }
  pid_t pid() const { return pid_; }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& log_path() const { return log_path_; }
  std::string url() const { return "http://" + host_ + ":" + std::to_string(port_); }

  // Session returns `witd session issue --user|--service NAME` for this data dir.
  std::string UserSession(const std::string& user) const;
  std::string ServiceSession(const std::string& service) const;
  // AdminSession returns `witd session issue --user NAME --admin`.
  std::string AdminSession(const std::string& user) const;

 private:
  // SecretFlag is how `witd session issue` finds the same secret as this server.
  std::string SecretFlag() const;

  std::string data_dir_;
  std::vector<std::string> extra_args_;
  std::string netns_;  // empty: the test's own
  std::string host_ = "127.0.0.1";
  std::string log_path_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

}  // namespace wit::testing

#endif  // WIT_TESTS_WITD_PROCESS_H_
