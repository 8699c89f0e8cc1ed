#include "base/logging.h"

#include <unistd.h>

#include <cstdio>
#include <string>

#include "base/time_util.h"

namespace wit {
namespace {

void Write(const char* level, std::string_view message) {
  std::string line = FormatRfc3339(NowMs());
  line.push_back(' ');
  line.append(level);
  line.push_back(' ');
  for (unsigned char c : message) {
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      line.append(buf);
    } else {
      line.push_back(static_cast<char>(c));
    }
  }
  line.push_back('\n');
  ssize_t unused = ::write(STDERR_FILENO, line.data(), line.size());
  (void)unused;
}

}  // namespace

void LogInfo(std::string_view message) { Write("INFO", message); }
void LogWarn(std::string_view message) { Write("WARN", message); }
void LogError(std::string_view message) { Write("ERROR", message); }

}  // namespace wit
