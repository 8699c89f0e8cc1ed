#include "cli/api_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <memory>
#include <utility>

#include "base/json_writer.h"
#include "cli/token_json.h"

namespace wit {
namespace {

constexpr int kTimeoutSeconds = 30;

}  // namespace

ApiClient::ApiClient(ServerAddress server, std::string session)
    : server_(std::move(server)), session_(std::move(session)) {}

StatusOr<std::string> ApiClient::CreateToken(const std::string& name,
                                             const std::optional<std::vector<std::string>>& scopes,
                                             const std::optional<int64_t>& expires_in_days) {
  JsonWriter w;
  w.BeginObject().Key("name").String(name);
  if (scopes) w.Key("scopes").StringArray(*scopes);
  if (expires_in_days) w.Key("expiresInDays").Int(*expires_in_days);
  w.EndObject();
  return Send("POST", "/api/tokens", w.Take());
}

StatusOr<std::string> ApiClient::ListTokens(const std::string& status) {
  std::string query;
  Poco::URI::encode(status, "&=+#", query);
  return Send("GET", "/api/tokens?status=" + query, "");
}

StatusOr<std::string> ApiClient::RevokeToken(const std::string& id) {
  std::string segment;
  Poco::URI::encode(id, "/?#&=+", segment);
  return Send("DELETE", "/api/tokens/" + segment, "");
}

StatusOr<std::string> ApiClient::ListScopes() { return Send("GET", "/api/tokens/scopes", ""); }

namespace {

// ClientTlsContext trusts `ca_file` (or the system's CAs when empty), checks the server's
// certificate chain and host name, and speaks TLS 1.2 or later. An untrusted certificate ends
// the handshake with an SSLException rather than a prompt.
Poco::Net::Context::Ptr ClientTlsContext(const std::string& ca_file) {
  static const bool initialized = [] {
    Poco::Net::initializeSSL();
    Poco::Net::SSLManager::instance().initializeClient(
        nullptr, new Poco::Net::RejectCertificateHandler(false), nullptr);
    return true;
  }();
  (void)initialized;
  Poco::Net::Context::Ptr context =
      new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", ca_file,
                             Poco::Net::Context::VERIFY_RELAXED, 9, ca_file.empty());
  context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  return context;
}

}  // namespace

StatusOr<std::string> ApiClient::Send(const std::string& method, const std::string& path,
                                      const std::string& body) {
  using Poco::Net::HTTPMessage;
  Poco::Net::HTTPRequest request(method, server_.base_path + path, HTTPMessage::HTTP_1_1);
  request.set("Accept", "application/json");
  request.set("User-Agent", "wit-cli");
  if (!session_.empty()) request.set("Authorization", "Bearer " + session_);
  if (method == "POST") {
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  Poco::Net::HTTPResponse response;
  std::string answer;
  try {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (server_.https) {
      session = std::make_unique<Poco::Net::HTTPSClientSession>(server_.host, server_.port,
                                                                ClientTlsContext(server_.ca_file));
    } else {
      session = std::make_unique<Poco::Net::HTTPClientSession>(server_.host, server_.port);
    }
    session->setTimeout(Poco::Timespan(kTimeoutSeconds, 0));
    session->sendRequest(request) << body;
    std::istream& in = session->receiveResponse(response);
    Poco::StreamCopier::copyToString(in, answer);
  } catch (const Poco::Net::SSLException& ex) {
    return Status::Unavailable("TLS with the wit server at " + server_.url +
                               " failed: " + ex.displayText() +
                               "; if it uses its own CA, give its certificate with --ca-file");
  } catch (const Poco::Exception& ex) {
    // These exceptions carry the address as their message; the URL already says it.
    bool name_says_it = dynamic_cast<const Poco::Net::ConnectionRefusedException*>(&ex) ||
                        dynamic_cast<const Poco::Net::HostNotFoundException*>(&ex) ||
                        dynamic_cast<const Poco::Net::NoAddressFoundException*>(&ex) ||
                        dynamic_cast<const Poco::TimeoutException*>(&ex) || ex.message().empty();
    return Status::Unavailable("cannot reach the wit server at " + server_.url + ": " +
                               (name_says_it ? std::string(ex.name()) : ex.displayText()));
  } catch (const std::exception& ex) {
    return Status::Unavailable("cannot reach the wit server at " + server_.url + ": " + ex.what());
  }
  int status = response.getStatus();
  if (status >= 200 && status < 300) return answer;
  return StatusFromHttp(status, answer);
}

Status StatusFromHttp(int http_status, const std::string& body) {
  std::optional<std::string> server_message = ParseErrorMessage(body);
  if (!server_message) {
    // Not the API's error shape: a proxy, another program on that port or a wrong URL prefix.
    return Status::Internal("the server answered HTTP " + std::to_string(http_status) + " " +
                            Poco::Net::HTTPResponse::getReasonForStatus(
                                static_cast<Poco::Net::HTTPResponse::HTTPStatus>(http_status)) +
                            " without a wit API error; is --server (or WIT_SERVER) a wit server?");
  }
  const std::string& message = *server_message;
  switch (CodeOfHttpStatus(http_status)) {
    case Status::Code::kInvalidArgument: return Status::InvalidArgument(message);
    case Status::Code::kUnauthenticated:
      return Status::Unauthenticated("not signed in or session expired: " + message +
                                     "; set WIT_SESSION");
    case Status::Code::kPermissionDenied:
      return Status::PermissionDenied("permission denied: " + message);
    case Status::Code::kNotFound: return Status::NotFound(message);
    case Status::Code::kFailedPrecondition: return Status::FailedPrecondition(message);
    case Status::Code::kUnavailable:
      return Status::Unavailable("the wit server is unavailable: " + message +
                                 "; try again shortly");
    default:
      return Status::Internal("the wit server answered HTTP " + std::to_string(http_status) + ": " +
                              message);
  }
}

}  // namespace wit
