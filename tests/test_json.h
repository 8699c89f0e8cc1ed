#ifndef WIT_TESTS_TEST_JSON_H_
#define WIT_TESTS_TEST_JSON_H_

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <string>
#include <vector>

namespace wit::testing {

// Json is a read-only view of a parsed JSON object for test assertions. A missing field reads
// as empty/false rather than throwing, so a failed expectation names the field instead of
// ending the test.
class Json {
 public:
  static Json Parse(const std::string& text) {
    Json j;
    try {
      Poco::JSON::Parser parser;
      Poco::Dynamic::Var v = parser.parse(text);
      if (v.type() == typeid(Poco::JSON::Object::Ptr))
        j.obj_ = v.extract<Poco::JSON::Object::Ptr>();
    } catch (...) {
    }
    return j;
  }
  explicit Json(Poco::JSON::Object::Ptr obj = nullptr) : obj_(std::move(obj)) {}

  bool valid() const { return !obj_.isNull(); }
  bool Has(const std::string& k) const { return valid() && obj_->has(k); }
  bool IsNull(const std::string& k) const { return Has(k) && obj_->isNull(k); }
  std::string Str(const std::string& k) const {
    if (!Has(k) || obj_->isNull(k) || !obj_->get(k).isString()) return "";
    return obj_->getValue<std::string>(k);
  }
  // Int reads an integer member; a missing or non-integer one reads as -1.
  int64_t Int(const std::string& k) const {
    if (!Has(k) || !obj_->get(k).isInteger()) return -1;
    return obj_->getValue<int64_t>(k);
  }
  bool Bool(const std::string& k) const {
    return Has(k) && obj_->get(k).isBoolean() && obj_->getValue<bool>(k);
  }
  Json Object(const std::string& k) const { return Json(Has(k) ? obj_->getObject(k) : nullptr); }
  std::vector<std::string> Strings(const std::string& k) const {
    std::vector<std::string> out;
    auto arr = Has(k) ? obj_->getArray(k) : nullptr;
    for (size_t i = 0; arr && i < arr->size(); ++i) out.push_back(arr->getElement<std::string>(i));
    return out;
  }
  std::vector<Json> Array(const std::string& k) const {
    std::vector<Json> out;
    auto arr = Has(k) ? obj_->getArray(k) : nullptr;
    for (size_t i = 0; arr && i < arr->size(); ++i) out.emplace_back(arr->getObject(i));
    return out;
  }

 private:
  Poco::JSON::Object::Ptr obj_;
};

}  // namespace wit::testing

#endif  // WIT_TESTS_TEST_JSON_H_
