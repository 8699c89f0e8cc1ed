#include "api/api_request.h"

#include "base/json_writer.h"

namespace wit {

ApiReply ErrorReply(int status, const std::string& message) {
  JsonWriter w;
  w.BeginObject().Key("error").BeginObject();
  w.Key("code").String(HttpErrorCode(status)).Key("message").String(message);
  w.EndObject().EndObject();
  return {status, w.Take()};
}

ApiReply StatusReply(const Status& s) {
  int http = HttpStatusOf(s.code());
  return ErrorReply(http, http == 500 ? "internal error" : s.message());
}

}  // namespace wit
