#include "net/http_client.h"

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

#include <memory>

#include "base/flat_json.h"

namespace wit {
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

StatusOr<HttpAnswer> HttpExchange(const ServerAddress& server, const std::string& method,
                                  const std::string& path, const std::string& body,
                                  const std::vector<std::pair<std::string, std::string>>& headers,
                                  std::chrono::milliseconds timeout) {
  using Poco::Net::HTTPMessage;
  Poco::Net::HTTPRequest request(method, server.base_path + path, HTTPMessage::HTTP_1_1);
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty() || method == "POST") {
    request.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  Poco::Net::HTTPResponse response;
  std::string answer;
  try {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (server.https) {
      session = std::make_unique<Poco::Net::HTTPSClientSession>(server.host, server.port,
                                                                ClientTlsContext(server.ca_file));
    } else {
      session = std::make_unique<Poco::Net::HTTPClientSession>(server.host, server.port);
    }
    session->setTimeout(
        Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(timeout.count()) * 1000));
    session->sendRequest(request) << body;
    std::istream& in = session->receiveResponse(response);
    Poco::StreamCopier::copyToString(in, answer);
  } catch (const Poco::Net::SSLException& ex) {
    return Status::Unavailable("TLS with the wit server at " + server.url +
                               " failed: " + ex.displayText() +
                               "; if it uses its own CA, give its certificate with --ca-file");
  } catch (const Poco::Exception& ex) {
    // These exceptions carry the address as their message; the URL already says it.
    bool name_says_it = dynamic_cast<const Poco::Net::ConnectionRefusedException*>(&ex) ||
                        dynamic_cast<const Poco::Net::HostNotFoundException*>(&ex) ||
                        dynamic_cast<const Poco::Net::NoAddressFoundException*>(&ex) ||
                        dynamic_cast<const Poco::TimeoutException*>(&ex) || ex.message().empty();
    return Status::Unavailable("cannot reach the wit server at " + server.url + ": " +
                               (name_says_it ? std::string(ex.name()) : ex.displayText()));
  } catch (const std::exception& ex) {
    return Status::Unavailable("cannot reach the wit server at " + server.url + ": " + ex.what());
  }
  return HttpAnswer{static_cast<int>(response.getStatus()), std::move(answer)};
}

std::optional<std::string> ApiErrorMessage(const std::string& body) {
  StatusOr<FlatObject> obj = ParseFlatObject(body);
  if (!obj.ok()) return std::nullopt;
  const FlatValue* error = obj->Find("error");
  if (!error || error->type != FlatValue::Type::kObject) return std::nullopt;
  const FlatValue* message = error->object->Find("message");
  if (!message || message->type != FlatValue::Type::kString) return std::nullopt;
  return message->string;
}

}  // namespace wit
