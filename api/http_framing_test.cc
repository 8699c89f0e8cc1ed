#include "api/http_framing.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

int Check(const std::string& method, std::vector<std::string> lengths,
          std::vector<std::string> codings, bool takes_body = true) {
  return CheckFraming({method, takes_body, false, std::move(lengths), std::move(codings), {}})
      .status;
}

TEST(HttpFramingTest, OneLengthOrOneChunkedCodingIsSound) {
  EXPECT_EQ(Check("POST", {"13"}, {}), 0);
  EXPECT_EQ(Check("POST", {"0"}, {}), 0);
  EXPECT_EQ(Check("POST", {}, {"chunked"}), 0);
  EXPECT_EQ(Check("POST", {}, {"Chunked"}), 0);
  EXPECT_EQ(Check("GET", {}, {}), 0);
  EXPECT_EQ(Check("DELETE", {}, {}), 0);
}

TEST(HttpFramingTest, AmbiguousFramingIs400) {
  EXPECT_EQ(Check("POST", {"13", "13"}, {}), 400);  // RFC 9112 §8.6: one value
  EXPECT_EQ(Check("POST", {"+13"}, {}), 400);
  EXPECT_EQ(Check("POST", {"-1"}, {}), 400);
  EXPECT_EQ(Check("POST", {"13 13"}, {}), 400);
  EXPECT_EQ(Check("POST", {""}, {}), 400);
  EXPECT_EQ(Check("POST", {"99999999999999999999"}, {}), 400);
  EXPECT_EQ(Check("POST", {}, {"chunked", "chunked"}), 400);  // §6.1
  EXPECT_EQ(Check("POST", {}, {"gzip, chunked"}), 400);
  EXPECT_EQ(Check("POST", {}, {"identity"}), 400);
  EXPECT_EQ(Check("POST", {"13"}, {"chunked"}), 400);  // §6.3: both
}

TEST(HttpFramingTest, FieldNamesMustBeTokensAndHttp10TakesNoCoding) {
  RequestFraming f{"GET", true, false, {}, {}, {"Host", "Transfer-Encoding "}};
  EXPECT_EQ(CheckFraming(f).status, 400);  // "Transfer-Encoding : chunked"
  f.header_names = {"Host", "X-Ok_1"};
  EXPECT_EQ(CheckFraming(f).status, 0);
  f.header_names = {"Bad\tName"};
  EXPECT_EQ(CheckFraming(f).status, 400);
  RequestFraming old{"POST", true, true, {}, {"chunked"}, {"Transfer-Encoding"}};
  EXPECT_EQ(CheckFraming(old).status, 400);
}

TEST(HttpFramingTest, ABodyMethodWithoutALengthIs411) {
  EXPECT_EQ(Check("POST", {}, {}), 411);
  EXPECT_EQ(Check("PUT", {}, {}), 411);
  EXPECT_EQ(Check("PATCH", {}, {}), 411);
  EXPECT_EQ(Check("POST", {}, {}, /*takes_body=*/false), 0);
}

}  // namespace
}  // namespace wit
