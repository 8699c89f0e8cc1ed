// The one HTTP client of the tests and benchmarks: Poco's, to witd on loopback.
#ifndef WIT_TESTS_SUPPORT_HTTP_CLIENT_H_
#define WIT_TESTS_SUPPORT_HTTP_CLIENT_H_

#include <Poco/Net/HTTPClientSession.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace wit::testing {

struct HttpResponse {
  int status = 0;  // 0 from TrySend: no answer came, and `body` holds the error
  std::string body;
  std::string content_type;
  std::string retry_after;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// HttpClient sends requests over one keep-alive connection to 127.0.0.1:`port`, with
// `Authorization: Bearer <bearer>` on each when `bearer` is not empty. A body is sent as JSON
// when it is not empty or the method is POST, unless a Content-Type header says otherwise.
// Not thread-safe: one client per thread.
//
//   HttpClient c(witd.port(), witd.UserSession("alice"));
//   HttpResponse r = c.Send("POST", "/api/tokens", R"({"name":"ci"})");
class HttpClient {
 public:
  explicit HttpClient(uint16_t port, std::string bearer = "");
  // HttpClient to `host` rather than 127.0.0.1: a witd in a test's own network namespace
  // (tests/support/net_fault.h).
  HttpClient(const std::string& host, uint16_t port, std::string bearer = "");
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Send issues one request and reads the whole answer. Throws a Poco::Exception when no
  // answer comes (the server cannot be reached, or closed the connection): a test fails loudly.
  HttpResponse Send(const std::string& method, const std::string& path,
                    const std::string& body = "", const HttpHeaders& headers = {});

  // TrySend is Send that never throws: status 0 and the error in `body` when no answer came,
  // and the next request reconnects. For the benchmarks, which count such failures.
  HttpResponse TrySend(const std::string& method, const std::string& path,
                       const std::string& body = "", const HttpHeaders& headers = {});

 private:
  Poco::Net::HTTPClientSession session_;
  std::string bearer_;
};

// Http sends one request on a connection of its own; `bearer` empty means no Authorization
// header. Throws only if the server cannot be reached.
HttpResponse Http(uint16_t port, const std::string& method, const std::string& path,
                  const std::string& body = "", const std::string& bearer = "",
                  const HttpHeaders& headers = {});

}  // namespace wit::testing

#endif  // WIT_TESTS_SUPPORT_HTTP_CLIENT_H_
