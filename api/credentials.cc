#include "api/credentials.h"

#include <strings.h>

#include "base/base64.h"

namespace wit {
namespace {

// SchemeIs compares an authentication scheme's name, which RFC 9110 makes case-insensitive.
bool SchemeIs(std::string_view value, std::string_view scheme) {
  return value.size() > scheme.size() && value[scheme.size()] == ' ' &&
         strncasecmp(value.data(), scheme.data(), scheme.size()) == 0;
}

bool HasControl(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

}  // namespace

StatusOr<PresentedCredential> ParseAuthorization(std::string_view value) {
  PresentedCredential out;
  if (value.empty()) return out;
  if (SchemeIs(value, "Bearer")) {
    out.scheme = PresentedCredential::Scheme::kBearer;
    out.secret = std::string(value.substr(7));
  } else if (SchemeIs(value, "Basic")) {
    out.scheme = PresentedCredential::Scheme::kBasic;
    StatusOr<std::string> decoded = Base64Decode(value.substr(6));
    if (!decoded.ok()) return Status::InvalidArgument("Basic credentials are not valid base64");
    size_t colon = decoded->find(':');
    if (colon == std::string::npos) {
      return Status::InvalidArgument("Basic credentials are not \"user:password\"");
    }
    out.username = decoded->substr(0, colon);
    out.secret = decoded->substr(colon + 1);
    if (HasControl(out.username)) {
      return Status::InvalidArgument("the Basic user name holds a control character");
    }
  } else {
    return Status::InvalidArgument("Authorization must be \"Bearer <credential>\" or Basic");
  }
  if (out.secret.empty()) return Status::InvalidArgument("the credential is empty");
  if (HasControl(out.secret)) {
    return Status::InvalidArgument("the credential holds a control character");
  }
  return out;
}

bool IsPersonalAccessToken(std::string_view secret) { return secret.substr(0, 4) == "wit_"; }

}  // namespace wit
