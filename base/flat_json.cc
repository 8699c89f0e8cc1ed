#include "base/flat_json.h"

#include <cerrno>
#include <cstdlib>

#include "base/utf8.h"

namespace wit {
namespace {

constexpr int kMaxDepth = 32;

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  StatusOr<FlatObject> ParseDocument() {
    FlatObject obj;
    return Whole(
        '{', "a JSON object", [&] { return ParseObject(&obj, 0); }, &obj);
  }

  StatusOr<FlatValue> ParseArrayDocument() {
    FlatValue array;
    return Whole(
        '[', "a JSON array", [&] { return ParseArray(&array, 0); }, &array);
  }

 private:
  // Whole reads one document that opens with `open` through `parse`, which fills *out, then
  // nothing but space.
  template <typename T, typename F>
  StatusOr<T> Whole(char open, const char* what, F parse, T* out) {
    SkipSpace();
    if (pos_ >= s_.size() || s_[pos_] != open) return Fail(what);
    if (!parse()) return Failure();
    SkipSpace();
    if (pos_ != s_.size()) return Fail("the end of the document");
    return std::move(*out);
  }

  Status Failure() const {
    if (!duplicate_.empty()) return Status::InvalidArgument("duplicate key \"" + duplicate_ + "\"");
    return Fail(expected_ ? expected_ : "a value");
  }

  // Expect records what the parser wanted where it stopped, for Failure's message.
  // The innermost wins: it names the spot.
  bool Expect(const char* what) {
    if (!expected_) expected_ = what;
    return false;
  }

  Status Fail(const char* expected) const {
    return Status::InvalidArgument("invalid JSON at byte " + std::to_string(pos_) + ": expected " +
                                   expected);
  }

  bool Consume(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  // ParseObject reads an object at pos_ (which holds '{') into `obj`.
  bool ParseObject(FlatObject* obj, int depth) {
    if (depth >= kMaxDepth) return Expect("nesting of at most 32 levels");
    ++pos_;
    SkipSpace();
    if (Consume('}')) return true;
    // An event has about a dozen members: one allocation for them, not four as they grow.
    obj->members().reserve(16);
    while (true) {
      SkipSpace();
      std::string key;
      if (!ParseString(&key)) return Expect("a member name");
      for (const auto& m : obj->members()) {
        if (m.first == key) {
          duplicate_ = key;
          return false;
        }
      }
      SkipSpace();
      if (!Consume(':')) return Expect("':'");
      SkipSpace();
      FlatValue value;
      if (!ParseValue(&value, depth)) return Expect("a value");
      obj->members().emplace_back(std::move(key), std::move(value));
      SkipSpace();
      if (Consume(',')) continue;
      if (Consume('}')) return true;
      return Expect("',' or '}'");
    }
  }

  bool ParseValue(FlatValue* v, int depth) {
    if (pos_ >= s_.size()) return false;
    switch (s_[pos_]) {
      case '"': v->type = FlatValue::Type::kString; return ParseString(&v->string);
      case 't':
        v->type = FlatValue::Type::kBool;
        v->boolean = true;
        return Literal("true");
      case 'f': v->type = FlatValue::Type::kBool; return Literal("false");
      case 'n': v->type = FlatValue::Type::kNull; return Literal("null");
      case '[': return ParseArray(v, depth + 1);
      case '{': {
        auto object = std::make_shared<FlatObject>();
        if (!ParseObject(object.get(), depth + 1)) return false;
        v->type = FlatValue::Type::kObject;
        v->object = std::move(object);
        return true;
      }
      default: v->type = FlatValue::Type::kNumber; return ParseNumber(v);
    }
  }

  // ParseArray reads an array at pos_ (which holds '['): kStringArray while every element is
  // a string, kArray (the strings so far moved into elements) from the first that is not.
  bool ParseArray(FlatValue* v, int depth) {
    if (depth >= kMaxDepth) return Expect("nesting of at most 32 levels");
    ++pos_;
    v->type = FlatValue::Type::kStringArray;
    SkipSpace();
    if (Consume(']')) return true;
    while (true) {
      SkipSpace();
      if (v->type == FlatValue::Type::kStringArray && pos_ < s_.size() && s_[pos_] == '"') {
        std::string item;
        if (!ParseString(&item)) return false;
        v->strings.push_back(std::move(item));
      } else {
        if (v->type == FlatValue::Type::kStringArray) {
          v->type = FlatValue::Type::kArray;
          for (std::string& s : v->strings) {
            FlatValue element;
            element.type = FlatValue::Type::kString;
            element.string = std::move(s);
            v->elements.push_back(std::move(element));
          }
          v->strings.clear();
        }
        FlatValue element;
        if (!ParseValue(&element, depth)) return false;
        v->elements.push_back(std::move(element));
      }
      SkipSpace();
      if (Consume(',')) continue;
      return Consume(']') || Expect("',' or ']'");
    }
  }

  bool ParseNumber(FlatValue* v) {
    size_t start = pos_;
    bool integer = true;
    Consume('-');
    if (Consume('0')) {
    } else if (!Digits()) {
      return false;
    }
    if (Consume('.')) {
      integer = false;
      if (!Digits()) return false;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      integer = false;
      ++pos_;
      if (!Consume('+')) Consume('-');
      if (!Digits()) return false;
    }
    std::string text(s_.substr(start, pos_ - start));
    v->number = std::strtod(text.c_str(), nullptr);
    if (integer) {
      errno = 0;
      long long n = std::strtoll(text.c_str(), nullptr, 10);
      v->is_integer = errno != ERANGE;
      v->integer = n;
    }
    return true;
  }

  bool Digits() {
    size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  bool Hex4(uint32_t* out) {
    if (pos_ + 4 > s_.size()) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
    }
    *out = v;
    return true;
  }

  static void AppendUtf8(std::string* out, uint32_t cp) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  bool Escape(std::string* out) {
    if (pos_ >= s_.size()) return false;
    char c = s_[pos_++];
    switch (c) {
      case '"': out->push_back('"'); return true;
      case '\\': out->push_back('\\'); return true;
      case '/': out->push_back('/'); return true;
      case 'b': out->push_back('\b'); return true;
      case 'f': out->push_back('\f'); return true;
      case 'n': out->push_back('\n'); return true;
      case 'r': out->push_back('\r'); return true;
      case 't': out->push_back('\t'); return true;
      case 'u': break;
      default: return false;
    }
    uint32_t cp;
    if (!Hex4(&cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a low surrogate alone
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      uint32_t low;
      if (!Literal("\\u") || !Hex4(&low) || low < 0xDC00 || low > 0xDFFF) return false;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    AppendUtf8(out, cp);
    return true;
  }

  // Utf8 copies one valid multi-byte UTF-8 sequence starting at pos_.
  bool Utf8(std::string* out) {
    size_t n = Utf8SequenceLength(s_, pos_);
    if (n == 0) return false;
    out->append(s_.substr(pos_, n));
    pos_ += n;
    return true;
  }

  bool ParseString(std::string* out) {
    if (!Consume('"')) return false;
    while (pos_ < s_.size()) {
      // Copy the plain run in one go.
      size_t run = pos_;
      while (run < s_.size()) {
        auto c = static_cast<unsigned char>(s_[run]);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
        ++run;
      }
      out->append(s_.substr(pos_, run - pos_));
      pos_ = run;
      if (pos_ >= s_.size()) return false;
      auto c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        ++pos_;
        if (!Escape(out)) return false;
      } else if (!Utf8(out)) {
        return false;
      }
    }
    return false;
  }

  std::string_view s_;
  const char* expected_ = nullptr;  // what the parser wanted where it stopped
  std::string duplicate_;           // a key met twice in one object
  size_t pos_ = 0;
};

}  // namespace

const FlatValue* FlatObject::Find(std::string_view key) const {
  for (const auto& m : members_) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

StatusOr<FlatObject> ParseFlatObject(std::string_view json) { return Parser(json).ParseDocument(); }

StatusOr<FlatValue> ParseFlatArray(std::string_view json) {
  return Parser(json).ParseArrayDocument();
}

}  // namespace wit
