#ifndef WIT_TESTS_TEST_JSON_H_
#define WIT_TESTS_TEST_JSON_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "base/flat_json.h"

namespace wit::testing {

// Json is a read-only view of a parsed JSON object for test assertions, on the project's one
// JSON reader (base/flat_json.h). A missing field reads as empty/false rather than throwing, so
// a failed expectation names the field instead of ending the test; but a text that is not a
// JSON object fails the test at once (Parse), so a 500, an empty body or a proxy's HTML page
// can never pass for an answer whose fields merely read as empty.
class Json {
 public:
  static Json Parse(const std::string& text) {
    StatusOr<FlatObject> obj = ParseFlatObject(text);
    if (!obj.ok()) {
      ADD_FAILURE() << "not a JSON object (" << obj.status().message()
                    << "): " << text.substr(0, 300);
      return Json();
    }
    return Json(std::make_shared<const FlatObject>(std::move(*obj)));
  }
  explicit Json(std::shared_ptr<const FlatObject> obj = nullptr) : obj_(std::move(obj)) {}

  bool valid() const { return obj_ != nullptr; }
  bool Has(const std::string& k) const { return Find(k) != nullptr; }
  bool IsNull(const std::string& k) const {
    const FlatValue* v = Find(k);
    return v && v->type == FlatValue::Type::kNull;
  }
  std::string Str(const std::string& k) const {
    const FlatValue* v = Find(k);
    return v && v->type == FlatValue::Type::kString ? v->string : "";
  }
  // Int reads an integer member; a missing or non-integer one reads as -1.
  int64_t Int(const std::string& k) const {
    const FlatValue* v = Find(k);
    return v && v->type == FlatValue::Type::kNumber && v->is_integer ? v->integer : -1;
  }
  bool Bool(const std::string& k) const {
    const FlatValue* v = Find(k);
    return v && v->type == FlatValue::Type::kBool && v->boolean;
  }
  Json Object(const std::string& k) const {
    const FlatValue* v = Find(k);
    return Json(v && v->type == FlatValue::Type::kObject ? v->object : nullptr);
  }
  std::vector<std::string> Strings(const std::string& k) const {
    const FlatValue* v = Find(k);
    return v && v->type == FlatValue::Type::kStringArray ? v->strings : std::vector<std::string>{};
  }
  // Array returns the objects of an array member (an empty array reads as none).
  std::vector<Json> Array(const std::string& k) const {
    std::vector<Json> out;
    const FlatValue* v = Find(k);
    if (!v || v->type != FlatValue::Type::kArray) return out;
    for (const FlatValue& e : v->elements) {
      out.emplace_back(e.type == FlatValue::Type::kObject ? e.object : nullptr);
    }
    return out;
  }
  // Size is the number of elements of an array member, of any kind (-1 if not an array).
  int64_t Size(const std::string& k) const {
    const FlatValue* v = Find(k);
    if (!v) return -1;
    if (v->type == FlatValue::Type::kStringArray) return static_cast<int64_t>(v->strings.size());
    if (v->type == FlatValue::Type::kArray) return static_cast<int64_t>(v->elements.size());
    return -1;
  }

 private:
  const FlatValue* Find(const std::string& k) const { return obj_ ? obj_->Find(k) : nullptr; }

  std::shared_ptr<const FlatObject> obj_;
};

}  // namespace wit::testing

#endif  // WIT_TESTS_TEST_JSON_H_
