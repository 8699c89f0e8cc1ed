#include "cli/api_client.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

std::string ApiError(const std::string& message) {
  return R"({"error":{"code":"x","message":")" + message + R"("}})";
}

TEST(StatusFromHttpTest, MapsApiErrors) {
  Status s = StatusFromHttp(401, ApiError("session token has expired"));
  EXPECT_EQ(s.code(), Status::Code::kUnauthenticated);
  EXPECT_EQ(s.message(),
            "not signed in or session expired: session token has expired; set WIT_SESSION");

  s = StatusFromHttp(404, ApiError("no token 1"));
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
  EXPECT_EQ(s.message(), "no token 1");

  s = StatusFromHttp(400, ApiError("unknown scope: repo:x"));
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "unknown scope: repo:x");

  EXPECT_EQ(StatusFromHttp(403, ApiError("no")).code(), Status::Code::kPermissionDenied);
  EXPECT_EQ(StatusFromHttp(413, ApiError("big")).code(), Status::Code::kInvalidArgument);
  s = StatusFromHttp(503, ApiError("the event log cannot be written"));
  EXPECT_EQ(s.code(), Status::Code::kUnavailable);
  EXPECT_NE(s.message().find("the event log cannot be written"), std::string::npos);
  s = StatusFromHttp(500, ApiError("internal error"));
  EXPECT_EQ(s.code(), Status::Code::kInternal);
  EXPECT_EQ(s.message(), "the wit server answered HTTP 500: internal error");
}

TEST(StatusFromHttpTest, SomethingElseAnswered) {
  Status s = StatusFromHttp(404, "<html>Not Found</html>");
  EXPECT_EQ(s.code(), Status::Code::kInternal);  // not "token not found"
  EXPECT_NE(s.message().find("HTTP 404 Not Found"), std::string::npos);
  EXPECT_NE(s.message().find("WIT_SERVER"), std::string::npos);
}

}  // namespace
}  // namespace wit
