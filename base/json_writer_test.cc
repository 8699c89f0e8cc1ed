#include "base/json_writer.h"

#include <gtest/gtest.h>

#include "base/flat_json.h"
#include "base/time_util.h"

namespace wit {
namespace {

TEST(JsonWriterTest, CommasGoBetweenMembersAndElementsOnly) {
  JsonWriter w;
  w.BeginObject().Key("a").Int(-3).Key("b").BeginArray().Bool(true).Null().EndArray();
  w.Key("c").BeginObject().EndObject().Key("d").StringArray({"x", "y"});
  w.Key("e").StringArray({}).EndObject();
  EXPECT_EQ(w.str(), R"({"a":-3,"b":[true,null],"c":{},"d":["x","y"],"e":[]})");
}

TEST(JsonWriterTest, OptionalsAreNullWhenAbsent) {
  JsonWriter w;
  w.BeginObject().Key("t").Time(1795817820123).Key("none").OptTime(std::nullopt);
  w.Key("some").OptTime(TimeMs{0}).Key("s").OptString(std::nullopt);
  w.Key("s2").OptString(std::string("v")).EndObject();
  EXPECT_EQ(w.Take(), R"({"t":"2026-11-27T22:17:00.123Z","none":null,)"
                      R"("some":"1970-01-01T00:00:00.000Z","s":null,"s2":"v"})");
}

TEST(JsonWriterTest, StringsAreEscapedAndInvalidUtf8BecomesReplacementCharacters) {
  std::string out;
  AppendJsonString(&out, "q\" b\\ n\n r\r t\t \x01 \x7f \xc3\xa9 \xff \xe2\x82");
  EXPECT_EQ(out, R"("q\" b\\ n\n r\r t\t \u0001 \u007f )"
                 "\xc3\xa9"
                 R"( \ufffd \ufffd\ufffd")");
}

TEST(JsonWriterTest, WhatItWritesTheReaderReadsBack) {
  std::string nasty("\x00\x1f\"\\/\xf0\x9f\x94\x91 \xed\xa0\x80", 13);  // NUL ... a surrogate
  JsonWriter w;
  w.BeginObject().Key(nasty).String(nasty).Key("n").Raw("[1,2]").EndObject();
  StatusOr<FlatObject> back = ParseFlatObject(w.str());
  ASSERT_TRUE(back.ok()) << back.status().ToString() << ": " << w.str();
  ASSERT_EQ(back->members().size(), 2u);
  std::string expected = nasty.substr(0, 10) + "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd";
  EXPECT_EQ(back->members()[0].first, expected) << "the surrogate's bytes are not UTF-8";
  EXPECT_EQ(back->members()[0].second.string, expected);
  EXPECT_EQ(back->Find("n")->elements.size(), 2u);
}

}  // namespace
}  // namespace wit
