#include "base/status.h"

namespace wit {

std::string Status::ToString() const {
  const char* name = "OK";
  switch (code_) {
    case Code::kOk: return "OK";
    case Code::kInvalidArgument: name = "InvalidArgument"; break;
    case Code::kUnauthenticated: name = "Unauthenticated"; break;
    case Code::kPermissionDenied: name = "PermissionDenied"; break;
    case Code::kNotFound: name = "NotFound"; break;
    case Code::kFailedPrecondition: name = "FailedPrecondition"; break;
    case Code::kUnavailable: name = "Unavailable"; break;
    case Code::kInternal: name = "Internal"; break;
  }
  return std::string(name) + ": " + message_;
}

int HttpStatusOf(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return 200;
    case Status::Code::kInvalidArgument: return 400;
    case Status::Code::kUnauthenticated: return 401;
    case Status::Code::kPermissionDenied: return 403;
    case Status::Code::kNotFound: return 404;
    case Status::Code::kFailedPrecondition: return 409;
    case Status::Code::kUnavailable: return 503;
    case Status::Code::kInternal: return 500;
  }
  return 500;
}

Status::Code CodeOfHttpStatus(int http_status) {
  switch (http_status) {
    case 200: return Status::Code::kOk;
    case 400:
    case 405:
    case 413: return Status::Code::kInvalidArgument;
    case 401: return Status::Code::kUnauthenticated;
    case 403: return Status::Code::kPermissionDenied;
    case 404: return Status::Code::kNotFound;
    case 409: return Status::Code::kFailedPrecondition;
    case 503: return Status::Code::kUnavailable;
    default: return Status::Code::kInternal;
  }
}

const char* HttpErrorCode(int http_status) {
  switch (http_status) {
    case 400: return "invalid_argument";
    case 401: return "unauthenticated";
    case 403: return "permission_denied";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 411: return "length_required";
    case 409: return "failed_precondition";
    case 413: return "payload_too_large";
    case 503: return "unavailable";
    default: return "internal";
  }
}

}  // namespace wit
