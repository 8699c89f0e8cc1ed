#include "tests/support/http_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

namespace wit::testing {

HttpClient::HttpClient(uint16_t port, std::string bearer)
    : HttpClient("127.0.0.1", port, std::move(bearer)) {}

HttpClient::HttpClient(const std::string& host, uint16_t port, std::string bearer)
    : session_(host, port), bearer_(std::move(bearer)) {
  session_.setKeepAlive(true);
  session_.setTimeout(Poco::Timespan(30, 0));
}

HttpResponse HttpClient::Send(const std::string& method, const std::string& path,
                              const std::string& body, const HttpHeaders& headers) {
  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  request.setKeepAlive(true);
  if (!bearer_.empty()) request.set("Authorization", "Bearer " + bearer_);
  for (const auto& [k, v] : headers) request.set(k, v);
  if (!body.empty() || method == Poco::Net::HTTPRequest::HTTP_POST) {
    if (!request.has("Content-Type")) request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  session_.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  std::istream& in = session_.receiveResponse(response);
  HttpResponse out;
  out.status = response.getStatus();
  out.content_type = response.getContentType();
  out.retry_after = response.get("Retry-After", "");
  Poco::StreamCopier::copyToString(in, out.body);
  return out;
}

HttpResponse HttpClient::TrySend(const std::string& method, const std::string& path,
                                 const std::string& body, const HttpHeaders& headers) {
  try {
    return Send(method, path, body, headers);
  } catch (const Poco::Exception& ex) {
    session_.reset();
    HttpResponse failed;
    failed.body = ex.displayText();
    return failed;
  }
}

HttpResponse Http(uint16_t port, const std::string& method, const std::string& path,
                  const std::string& body, const std::string& bearer, const HttpHeaders& headers) {
  HttpClient client(port, bearer);
  return client.Send(method, path, body, headers);
}

}  // namespace wit::testing
