#ifndef WIT_API_FORM_BODY_H_
#define WIT_API_FORM_BODY_H_

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "base/status.h"

namespace wit {

// FormFields are the fields of a form body by name.
using FormFields = std::map<std::string, std::string, std::less<>>;

// ParseFormBody reads an application/x-www-form-urlencoded body, as OAuth clients send their
// requests (RFC 6749 appendix B): name=value pairs joined by '&', '+' for a space and %XX for
// any byte. A bad escape, a NUL, or one of the `single` names given twice (RFC 6749 §3.1:
// "MUST NOT be included more than once") is InvalidArgument naming the fault, never the
// value. Of another name given twice the first value is kept: it is no field of ours. Empty
// pairs ("a=1&&b=2") and pairs without a name are skipped; a pair without '=' has an empty
// value.
//
//   ParseFormBody("token=wit_x&token_type_hint=x", {"token"})->at("token")  // "wit_x"
StatusOr<FormFields> ParseFormBody(std::string_view body, const std::set<std::string>& single);

// PercentDecode undoes %XX escapes (RFC 3986 §2.1), and with `plus_is_space` turns '+' into a
// space as forms do. A '%' not followed by two hex digits, or a %00, is InvalidArgument.
StatusOr<std::string> PercentDecode(std::string_view in, bool plus_is_space);

// IsFormContentType reports whether a Content-Type value is application/x-www-form-urlencoded
// (any case, with or without parameters such as "; charset=UTF-8").
bool IsFormContentType(std::string_view content_type);

}  // namespace wit

#endif  // WIT_API_FORM_BODY_H_
