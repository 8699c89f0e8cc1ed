#include "api/request_parsing.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

TEST(RequestParsingTest, CreateWithEveryField) {
  auto r = ParseCreateRequest(
      "{\"name\":\"ci\",\"scopes\":[\"repo:read\"],\"expiresInDays\":30,\"extra\":1}");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->name, "ci");
  EXPECT_EQ(*r->scopes, std::vector<std::string>{"repo:read"});
  EXPECT_EQ(*r->expires_in_days, 30);
}

TEST(RequestParsingTest, CreateDefaultsAndNulls) {
  auto r = ParseCreateRequest("{\"name\":\"ci\",\"expiresInDays\":null,\"scopes\":null}");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->scopes.has_value());
  EXPECT_FALSE(r->expires_in_days.has_value());
  auto whole = ParseCreateRequest("{\"name\":\"ci\",\"expiresInDays\":30.0}");
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(*whole->expires_in_days, 30);
}

TEST(RequestParsingTest, CreateRejectsWrongShapes) {
  for (const char* body :
       {"", "{", "[]", "3", "null", "{}", "{\"name\":null}", "{\"name\":[]}",
        "{\"name\":\"a\",\"scopes\":{}}", "{\"name\":\"a\",\"scopes\":[null]}",
        "{\"name\":\"a\",\"expiresInDays\":\"1\"}", "{\"name\":\"a\",\"expiresInDays\":1e308}",
        "{\"name\":\"a\",\"expiresInDays\":2.5}", "{\"name\":\"a\",\"expiresInDays\":false}"}) {
    auto r = ParseCreateRequest(body);
    EXPECT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << body;
  }
}

TEST(RequestParsingTest, Verify) {
  auto r = ParseVerifyRequest(
      "{\"token\":\"wit_x\",\"scope\":\"repo:read\",\"ip\":\"10.0.0.1\",\"userAgent\":\"git\","
      "\"action\":\"push\",\"resource\":\"acme/w\"}");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->token, "wit_x");
  EXPECT_EQ(*r->scope, "repo:read");
  EXPECT_EQ(*r->user_agent, "git");
  EXPECT_EQ(*r->resource, "acme/w");
  EXPECT_FALSE(ParseVerifyRequest("{}").ok());
  EXPECT_FALSE(ParseVerifyRequest("{\"token\":1}").ok());
  EXPECT_FALSE(ParseVerifyRequest("{\"token\":\"t\",\"ip\":5}").ok());
}

}  // namespace
}  // namespace wit
