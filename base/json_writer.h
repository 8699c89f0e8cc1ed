#ifndef WIT_BASE_JSON_WRITER_H_
#define WIT_BASE_JSON_WRITER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wit {

// JsonWriter appends compact JSON to a string, keys in the order they are written. The caller
// keeps objects and arrays balanced; the writer inserts commas.
//
//   JsonWriter w;
//   w.BeginObject().Key("id").String(id).Key("scopes").StringArray(scopes).EndObject();
//   std::string body = w.Take();
class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& OptString(const std::optional<std::string>& value);  // null when empty
  JsonWriter& Int(int64_t value);
  // Time writes milliseconds since the epoch as an RFC 3339 string (FormatRfc3339);
  // OptTime writes null for nullopt.
  JsonWriter& Time(int64_t ms);
  JsonWriter& OptTime(const std::optional<int64_t>& ms);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  JsonWriter& StringArray(const std::vector<std::string>& values);
  // Raw appends already-encoded JSON as one value.
  JsonWriter& Raw(std::string_view json);

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  // Separate writes the comma before a value or key that follows another.
  void Separate();
  // Open starts an object or array with `bracket`; Close ends it.
  JsonWriter& Open(char bracket);
  JsonWriter& Close(char bracket);

  std::string out_;
  bool need_comma_ = false;
};

// AppendJsonString appends `s` as a quoted JSON string, escaping quotes, backslashes and
// control characters. Bytes that are not valid UTF-8 become U+FFFD so the output stays JSON.
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace wit

#endif  // WIT_BASE_JSON_WRITER_H_
