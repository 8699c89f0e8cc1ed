#ifndef WIT_BASE_FLAT_JSON_H_
#define WIT_BASE_FLAT_JSON_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace wit {

// FlatValue is one member value of a JSON object as the ledger's records use them: a string,
// a number, a boolean, null, or an array of strings. Any other value (a nested object, an array
// holding anything but strings) is kOther and keeps no content.
struct FlatValue {
  enum class Type { kString, kNumber, kBool, kNull, kStringArray, kOther };
  Type type = Type::kNull;
  std::string string;                // kString: the unescaped UTF-8 text
  std::vector<std::string> strings;  // kStringArray
  bool boolean = false;              // kBool
  bool is_integer = false;           // kNumber written without fraction or exponent, fits int64
  int64_t integer = 0;               // kNumber when is_integer
  double number = 0;                 // kNumber
};

// FlatObject is a parsed JSON object, members in document order.
class FlatObject {
 public:
  // Find returns the member named `key`, or nullptr.
  const FlatValue* Find(std::string_view key) const;
  std::vector<std::pair<std::string, FlatValue>>& members() { return members_; }

 private:
  std::vector<std::pair<std::string, FlatValue>> members_;
};

// ParseFlatObject parses one JSON document (RFC 8259) that must be an object. It is strict:
// invalid JSON, invalid UTF-8, lone surrogates, a duplicate key, nesting deeper than 32 or
// trailing bytes are InvalidArgument. It never throws. It exists because the ledger parses one
// such object per event and per request: a general JSON DOM costs several times more.
StatusOr<FlatObject> ParseFlatObject(std::string_view json);

}  // namespace wit

#endif  // WIT_BASE_FLAT_JSON_H_
