#ifndef WIT_CLI_WIT_APP_H_
#define WIT_CLI_WIT_APP_H_

#include <ostream>

namespace wit {

// Exit statuses of `wit`.
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,  // the server could not be reached, refused the request or failed
  kExitUsage = 2,    // bad flags or arguments, or no session: nothing was sent
};

// kDefaultServer is the server used without --server or WIT_SERVER.
inline constexpr const char* kDefaultServer = "http://127.0.0.1:8080";

// RunWit runs the `wit` command line: parses `argv` (reading WIT_SERVER and WIT_SESSION from
// the environment), runs the command and writes its output to `out`. Any failure is exactly
// one line "wit: <message>" on `err`; --help goes to `out`. Returns the process's exit status.
//
//   int main(int argc, char** argv) { return wit::RunWit(argc, argv, std::cout, std::cerr); }
int RunWit(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace wit

#endif  // WIT_CLI_WIT_APP_H_
