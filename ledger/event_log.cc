#include "ledger/event_log.h"

#include <charconv>

namespace wit {

std::string FormatPositions(const LogPositions& positions) {
  std::string out;
  for (const auto& [stream, offset] : positions) {
    if (!out.empty()) out += ",";
    out += stream + "=" + std::to_string(offset);
  }
  return out;
}

StatusOr<LogPositions> ParsePositions(const std::string& text) {
  LogPositions out;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string_view item(text.data() + start, comma - start);
    size_t eq = item.rfind('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == item.size()) {
      return Status::InvalidArgument("positions are stream=offset,...; got \"" + std::string(item) +
                                     "\"");
    }
    uint64_t offset = 0;
    std::string_view number = item.substr(eq + 1);
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), offset);
    if (ec != std::errc() || end != number.data() + number.size()) {
      return Status::InvalidArgument("the offset in \"" + std::string(item) +
                                     "\" is not a decimal number");
    }
    if (!out.emplace(std::string(item.substr(0, eq)), offset).second) {
      return Status::InvalidArgument("stream " + std::string(item.substr(0, eq)) +
                                     " is named twice");
    }
    start = comma + 1;
  }
  return out;
}

}  // namespace wit
