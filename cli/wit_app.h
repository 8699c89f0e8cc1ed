#ifndef WIT_CLI_WIT_APP_H_
#define WIT_CLI_WIT_APP_H_

#include <istream>
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

// RunWit runs the `wit` command line: parses `argv` (reading WIT_SERVER, WIT_SESSION and
// WIT_TOKEN from the environment), runs the command and writes its output to `out`; `in` is
// read only by `wit auth git-credential`. A session (--session, WIT_SESSION) is used before
// WIT_TOKEN. A failure ends `err` with one line "wit: <message>" (after the note of the token
// acted as, or a warning); --help goes to `out`.
// Returns the process's exit status.
//
//   int main(int argc, char** argv) {
//     return wit::RunWit(argc, argv, std::cin, std::cout, std::cerr);
//   }
int RunWit(int argc, const char* const* argv, std::istream& in, std::ostream& out,
           std::ostream& err);

}  // namespace wit

#endif  // WIT_CLI_WIT_APP_H_
