#include "base/flat_json.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

using Type = FlatValue::Type;

TEST(FlatJsonTest, ParsesEveryFlatKind) {
  auto o = ParseFlatObject(
      " { \"s\" : \"a\\\"b\\\\c\\n\\u00e4\\ud83d\\ude00/\", \"i\": -42, \"d\": 1.5e3, \"t\": true,"
      " \"f\": false, \"n\": null, \"a\": [\"x\", \"y\"], \"e\": [], \"o\": {\"k\": [1, {\"z\": "
      "2}]},"
      " \"m\": [1, \"x\"] } ");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->Find("s")->string, "a\"b\\c\n\xc3\xa4\xf0\x9f\x98\x80/");
  EXPECT_TRUE(o->Find("i")->is_integer);
  EXPECT_EQ(o->Find("i")->integer, -42);
  EXPECT_FALSE(o->Find("d")->is_integer);
  EXPECT_EQ(o->Find("d")->number, 1500);
  EXPECT_TRUE(o->Find("t")->boolean);
  EXPECT_EQ(o->Find("f")->type, Type::kBool);
  EXPECT_EQ(o->Find("n")->type, Type::kNull);
  EXPECT_EQ(o->Find("a")->strings, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(o->Find("e")->type, Type::kStringArray);
  EXPECT_EQ(o->Find("o")->type, Type::kObject);
  EXPECT_EQ(o->Find("m")->type, Type::kArray);
  EXPECT_EQ(o->Find("missing"), nullptr);
}

TEST(FlatJsonTest, ReadsNestedObjectsAndArrays) {
  auto o = ParseFlatObject(
      R"({"tokens":[{"id":"a","scopes":["x"]},{"id":"b","scopes":[]}],)"
      R"("error":{"code":"not_found","inner":{"n":null}},"mixed":["s",1,true,null,["t"]]})");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  const FlatValue* tokens = o->Find("tokens");
  ASSERT_EQ(tokens->type, Type::kArray);
  ASSERT_EQ(tokens->elements.size(), 2u);
  ASSERT_EQ(tokens->elements[1].type, Type::kObject);
  EXPECT_EQ(tokens->elements[1].object->Find("id")->string, "b");
  EXPECT_EQ(tokens->elements[0].object->Find("scopes")->strings, std::vector<std::string>{"x"});
  const FlatValue* error = o->Find("error");
  ASSERT_EQ(error->type, Type::kObject);
  EXPECT_EQ(error->object->Find("code")->string, "not_found");
  EXPECT_EQ(error->object->Find("inner")->object->Find("n")->type, Type::kNull);
  const FlatValue* mixed = o->Find("mixed");
  ASSERT_EQ(mixed->type, Type::kArray);
  ASSERT_EQ(mixed->elements.size(), 5u);
  EXPECT_EQ(mixed->elements[0].string, "s") << "the strings read before the first non-string";
  EXPECT_EQ(mixed->elements[1].integer, 1);
  EXPECT_EQ(mixed->elements[4].strings, std::vector<std::string>{"t"});
}

TEST(FlatJsonTest, NestedInputIsAsStrictAsTheTop) {
  for (const char* bad : {R"({"a":{"k":1,"k":2}})", R"({"a":[{"k":}]})", R"({"a":{"k" 1}})",
                          R"({"a":[1,]})", R"({"a":{"b":[}})"}) {
    EXPECT_FALSE(ParseFlatObject(bad).ok()) << bad;
  }
  // The document's object is level 1: 31 arrays inside it make 32 levels, 32 make 33.
  auto nested = [](int arrays) {
    std::string json = "{\"a\":";
    for (int i = 0; i < arrays; ++i) json += "[";
    for (int i = 0; i < arrays; ++i) json += "]";
    return json + "}";
  };
  EXPECT_TRUE(ParseFlatObject(nested(31)).ok()) << "32 levels";
  StatusOr<FlatObject> deep = ParseFlatObject(nested(32));
  ASSERT_FALSE(deep.ok()) << "33 levels";
  EXPECT_NE(deep.status().message().find("nesting of at most 32 levels"), std::string::npos)
      << deep.status().message();
  auto dup = ParseFlatObject(R"({"a":{"k":1,"k":2}})");
  EXPECT_NE(dup.status().message().find("duplicate key \"k\""), std::string::npos)
      << dup.status().message();
}

TEST(FlatJsonTest, KeepsUtf8AsIs) {
  auto o = ParseFlatObject("{\"k\":\"na\xc3\xafve \xe2\x82\xac\"}");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->Find("k")->string, "na\xc3\xafve \xe2\x82\xac");
}

TEST(FlatJsonTest, IntegersBeyondInt64AreNotIntegers) {
  auto o = ParseFlatObject("{\"big\":123456789012345678901234567890,\"max\":9223372036854775807}");
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o->Find("big")->is_integer);
  EXPECT_TRUE(o->Find("max")->is_integer);
}

TEST(FlatJsonTest, RejectsWhatIsNotOneValidObject) {
  for (const char* bad : {"",
                          " ",
                          "[]",
                          "\"s\"",
                          "1",
                          "null",
                          "{",
                          "{\"a\"}",
                          "{\"a\":}",
                          "{\"a\":1,}",
                          "{,}",
                          "{\"a\":1}x",
                          "{\"a\":1}{}",
                          "{a:1}",
                          "{'a':1}",
                          "{\"a\":01}",
                          "{\"a\":1.}",
                          "{\"a\":.5}",
                          "{\"a\":-}",
                          "{\"a\":1e}",
                          "{\"a\":tru}",
                          "{\"a\":\"\\x\"}",
                          "{\"a\":\"\\ud800\"}",
                          "{\"a\":\"\\udc00\"}",
                          "{\"a\":\"\\u12\"}",
                          "{\"a\":\"line\nbreak\"}",
                          "{\"a\":\"open",
                          "{\"a\":1,\"a\":2}",
                          "{\"a\":[\"x\",]}",
                          "{\"a\":[\"x\" \"y\"]}"}) {
    EXPECT_FALSE(ParseFlatObject(bad).ok()) << bad;
  }
  EXPECT_FALSE(ParseFlatObject("{\"a\":\"\xff\"}").ok());
  EXPECT_FALSE(ParseFlatObject("{\"a\":\"\xc0\xaf\"}").ok());      // overlong
  EXPECT_FALSE(ParseFlatObject("{\"a\":\"\xed\xa0\x80\"}").ok());  // UTF-8 surrogate
  std::string deep = "{\"a\":" + std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_FALSE(ParseFlatObject(deep).ok());
  EXPECT_FALSE(ParseFlatObject(std::string("{\"a\":\"\0\"}", 8)).ok());
}

TEST(FlatJsonTest, ParsesATopLevelArray) {
  StatusOr<FlatValue> objects = ParseFlatArray(" [{\"token\":\"t\",\"n\":1}, {\"token\":\"u\"}] ");
  ASSERT_TRUE(objects.ok()) << objects.status().ToString();
  ASSERT_EQ(objects->type, FlatValue::Type::kArray);
  ASSERT_EQ(objects->elements.size(), 2u);
  EXPECT_EQ(objects->elements[1].object->Find("token")->string, "u");
  StatusOr<FlatValue> strings = ParseFlatArray("[\"a\",\"b\"]");
  ASSERT_TRUE(strings.ok());
  EXPECT_EQ(strings->strings, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(ParseFlatArray("[]")->type, FlatValue::Type::kStringArray);
  for (const char* bad : {"", "{}", "[", "[1,]", "[]x", "[][]", "[{\"a\":1,\"a\":2}]", "\"s\""}) {
    EXPECT_FALSE(ParseFlatArray(bad).ok()) << bad;
  }
  std::string deep = std::string(100, '[') + std::string(100, ']');
  EXPECT_FALSE(ParseFlatArray(deep).ok());
}

}  // namespace
}  // namespace wit
