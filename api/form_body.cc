#include "api/form_body.h"

#include <strings.h>

namespace wit {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

StatusOr<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '%') {
      int hi = i + 2 < in.size() ? HexValue(in[i + 1]) : -1;
      int lo = hi >= 0 ? HexValue(in[i + 2]) : -1;
      if (lo < 0) return Status::InvalidArgument("a bad %-escape");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  if (out.find('\0') != std::string::npos) {
    return Status::InvalidArgument("a NUL (%00)");
  }
  return out;
}

StatusOr<FormFields> ParseFormBody(std::string_view body, const std::set<std::string>& single) {
  FormFields fields;
  while (!body.empty()) {
    size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    StatusOr<std::string> name = PercentDecode(pair.substr(0, eq), true);
    if (!name.ok()) {
      return Status::InvalidArgument("the form body holds " + name.status().message());
    }
    StatusOr<std::string> value = PercentDecode(
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!value.ok()) {
      return Status::InvalidArgument("the form body holds " + value.status().message());
    }
    if (name->empty()) continue;  // checked like the rest, but no field of anyone's
    bool added = fields.emplace(*name, std::move(*value)).second;
    if (!added && single.count(*name) > 0) {
      return Status::InvalidArgument("the form field " + *name + " is given more than once");
    }
  }
  return fields;
}

bool IsFormContentType(std::string_view content_type) {
  constexpr std::string_view kForm = "application/x-www-form-urlencoded";
  if (content_type.size() < kForm.size() ||
      strncasecmp(content_type.data(), kForm.data(), kForm.size()) != 0) {
    return false;
  }
  std::string_view rest = content_type.substr(kForm.size());
  return rest.empty() || rest.front() == ';' || rest.front() == ' ';
}

}  // namespace wit
