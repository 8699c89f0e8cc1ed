#include "base/status.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

TEST(StatusTest, EveryCodeHasOneHttpStatusAndBack) {
  for (Status::Code code :
       {Status::Code::kOk, Status::Code::kInvalidArgument, Status::Code::kUnauthenticated,
        Status::Code::kPermissionDenied, Status::Code::kNotFound, Status::Code::kFailedPrecondition,
        Status::Code::kUnavailable, Status::Code::kInternal}) {
    EXPECT_EQ(CodeOfHttpStatus(HttpStatusOf(code)), code) << HttpStatusOf(code);
  }
  EXPECT_EQ(HttpStatusOf(Status::Code::kFailedPrecondition), 409);
  EXPECT_EQ(CodeOfHttpStatus(405), Status::Code::kInvalidArgument);
  EXPECT_EQ(CodeOfHttpStatus(413), Status::Code::kInvalidArgument);
  EXPECT_EQ(CodeOfHttpStatus(502), Status::Code::kInternal);
}

TEST(StatusTest, ErrorCodeNamesAreTheContracts) {
  EXPECT_STREQ(HttpErrorCode(400), "invalid_argument");
  EXPECT_STREQ(HttpErrorCode(401), "unauthenticated");
  EXPECT_STREQ(HttpErrorCode(403), "permission_denied");
  EXPECT_STREQ(HttpErrorCode(404), "not_found");
  EXPECT_STREQ(HttpErrorCode(405), "method_not_allowed");
  EXPECT_STREQ(HttpErrorCode(409), "failed_precondition");
  EXPECT_STREQ(HttpErrorCode(413), "payload_too_large");
  EXPECT_STREQ(HttpErrorCode(503), "unavailable");
  EXPECT_STREQ(HttpErrorCode(500), "internal");
}

}  // namespace
}  // namespace wit
