#ifndef WIT_API_FORM_BODY_H_
#define WIT_API_FORM_BODY_H_

#include <map>
#include <string>
#include <string_view>

#include "base/status.h"

namespace wit {

// FormFields are the fields of a form body by name.
using FormFields = std::map<std::string, std::string, std::less<>>;

// ParseFormBody reads an application/x-www-form-urlencoded body, as OAuth clients send their
// requests (RFC 6749 appendix B): name=value pairs joined by '&', '+' for a space and %XX for
// any byte. A bad escape, a NUL, a field without a name or a name given twice (RFC 6749 §3.1:
// "MUST NOT be included more than once") is InvalidArgument naming the fault, never the
// value. Empty pairs ("a=1&&b=2") are skipped; a pair without '=' has an empty value.
//
//   ParseFormBody("token=wit_x&token_type_hint=access_token")->at("token")  // "wit_x"
StatusOr<FormFields> ParseFormBody(std::string_view body);

// PercentDecode undoes %XX escapes (RFC 3986 §2.1), and with `plus_is_space` turns '+' into a
// space as forms do. A '%' not followed by two hex digits, or a %00, is InvalidArgument.
StatusOr<std::string> PercentDecode(std::string_view in, bool plus_is_space);

// IsFormContentType reports whether a Content-Type value is application/x-www-form-urlencoded
// (any case, with or without parameters such as "; charset=UTF-8").
bool IsFormContentType(std::string_view content_type);

}  // namespace wit

#endif  // WIT_API_FORM_BODY_H_
