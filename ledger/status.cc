#include "ledger/status.h"

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

}  // namespace wit
