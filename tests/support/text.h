#ifndef WIT_TESTS_SUPPORT_TEXT_H_
#define WIT_TESTS_SUPPORT_TEXT_H_

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace wit::testing {

// Lines splits `text` at '\n', and drops the '\r' of a CRLF (as CSV writes lines). A last line
// without '\n' counts; there is no empty line after the last '\n'.
inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

// ReadFile returns the bytes of the file at `path` ("" if it cannot be read).
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// ShellQuote quotes `s` as one word for /bin/sh (RunCommand's shell).
inline std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace wit::testing

#endif  // WIT_TESTS_SUPPORT_TEXT_H_
