#include "net/http_client.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

TEST(ApiErrorMessageTest, ApiErrorsOnly) {
  EXPECT_EQ(ApiErrorMessage(R"({"error":{"code":"not_found","message":"no token x"}})"),
            "no token x");
  EXPECT_FALSE(ApiErrorMessage("<html>bad gateway</html>"));
  EXPECT_FALSE(ApiErrorMessage(R"({"error":"x"})"));
}

TEST(HttpExchangeTest, NoServerIsUnavailableNamingItsUrl) {
  StatusOr<ServerAddress> server = ParseServerUrl("http://127.0.0.1:1");
  ASSERT_TRUE(server.ok());
  StatusOr<HttpAnswer> answer = HttpExchange(*server, "GET", "/healthz", "", {});
  ASSERT_EQ(answer.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(answer.status().message().find("http://127.0.0.1:1"), std::string::npos);
}

}  // namespace
}  // namespace wit
