#ifndef WIT_BASE_FLAT_JSON_H_
#define WIT_BASE_FLAT_JSON_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace wit {

class FlatObject;

// FlatValue is one JSON value. The ledger's own records (events, request bodies) hold only
// strings, numbers, booleans, null and arrays of strings, and those are read without further
// allocation; nested objects and other arrays, as API answers and OCSF records hold, are read
// too (kObject, kArray), for wit and the tests.
struct FlatValue {
  enum class Type { kString, kNumber, kBool, kNull, kStringArray, kObject, kArray };
  Type type = Type::kNull;
  std::string string;                // kString: the unescaped UTF-8 text
  std::vector<std::string> strings;  // kStringArray: an array of strings only (also [])
  bool boolean = false;              // kBool
  bool is_integer = false;           // kNumber written without fraction or exponent, fits int64
  int64_t integer = 0;               // kNumber when is_integer
  double number = 0;                 // kNumber
  std::shared_ptr<const FlatObject> object;  // kObject
  std::vector<FlatValue> elements;           // kArray: an array holding anything but strings only
};

// FlatObject is a parsed JSON object, members in document order.
class FlatObject {
 public:
  // Find returns the member named `key`, or nullptr.
  const FlatValue* Find(std::string_view key) const;
  FlatValue* Find(std::string_view key) {
    return const_cast<FlatValue*>(static_cast<const FlatObject*>(this)->Find(key));
  }
  std::vector<std::pair<std::string, FlatValue>>& members() { return members_; }

 private:
  std::vector<std::pair<std::string, FlatValue>> members_;
};

// ParseFlatObject parses one JSON document (RFC 8259) that must be an object. It is strict:
// invalid JSON, invalid UTF-8, lone surrogates, a duplicate key, nesting deeper than 32 or
// trailing bytes are InvalidArgument. It never throws. It is the project's one JSON reader:
// the ledger parses one flat object per event and per request, where a general JSON DOM costs
// several times more, and wit and the tests read the API's nested answers with it too.
StatusOr<FlatObject> ParseFlatObject(std::string_view json);

// ParseFlatArray parses one JSON document that must be an array, as strictly: kStringArray when
// every element is a string (also []), else kArray.
StatusOr<FlatValue> ParseFlatArray(std::string_view json);

}  // namespace wit

#endif  // WIT_BASE_FLAT_JSON_H_
