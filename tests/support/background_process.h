#ifndef WIT_TESTS_SUPPORT_BACKGROUND_PROCESS_H_
#define WIT_TESTS_SUPPORT_BACKGROUND_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace wit::testing {

// BackgroundProcess runs an outside program (nginx, fcgiwrap) for the length of a test, its
// stdout and stderr in `log_path`; the destructor stops it (SIGTERM, then SIGKILL).
//
//   BackgroundProcess nginx({"/usr/sbin/nginx", "-c", conf}, dir + "/nginx.out");
//   ASSERT_TRUE(nginx.Start() && nginx.WaitForPort(port));
class BackgroundProcess {
 public:
  BackgroundProcess(std::vector<std::string> argv, std::string log_path);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  // Start launches the program; false if it could not be.
  bool Start();
  // WaitForPort waits up to 20 s for 127.0.0.1:port to accept a connection; false if the
  // program exited or the time ran out.
  bool WaitForPort(uint16_t port);
  // Stop ends the program and reaps it.
  void Stop();

  const std::string& log_path() const { return log_path_; }

 private:
  std::vector<std::string> argv_;
  std::string log_path_;
  pid_t pid_ = -1;
};

// FreePort returns a loopback TCP port nothing listened on a moment ago.
uint16_t FreePort();

}  // namespace wit::testing

#endif  // WIT_TESTS_SUPPORT_BACKGROUND_PROCESS_H_
