#include "audit-cli/audit_files.h"

#include <fstream>
#include <sstream>

namespace wit {

std::optional<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return s.str();
}

std::string KeyOrKeyFile(const std::string& text) {
  std::optional<std::string> file = ReadWholeFile(text);
  if (!file) return text;
  std::string line = file->substr(0, file->find('\n'));
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
  return line;
}

}  // namespace wit
