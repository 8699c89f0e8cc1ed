#include "cli/api_client.h"

#include <Poco/Net/HTTPResponse.h>
#include <Poco/URI.h>

#include <utility>

#include "base/json_writer.h"
#include "net/http_client.h"

namespace wit {

ApiClient::ApiClient(ServerAddress server, std::string secret, Credential kind)
    : server_(std::move(server)), secret_(std::move(secret)), kind_(kind) {}

StatusOr<std::string> ApiClient::CreateToken(const NewToken& t) {
  JsonWriter w;
  w.BeginObject().Key("name").String(t.name);
  if (t.scopes) w.Key("scopes").StringArray(*t.scopes);
  if (t.expires_in_days) w.Key("expiresInDays").Int(*t.expires_in_days);
  if (t.allowed_ips) w.Key("allowedIps").StringArray(*t.allowed_ips);
  if (t.resources) w.Key("resources").StringArray(*t.resources);
  w.EndObject();
  return Send("POST", "/api/tokens", w.Take());
}

StatusOr<std::string> ApiClient::RotateToken(const std::string& id,
                                             std::optional<int64_t> expires_in_days) {
  std::string segment;
  Poco::URI::encode(id, "/?#&=+", segment);
  JsonWriter w;
  w.BeginObject();
  if (expires_in_days) w.Key("expiresInDays").Int(*expires_in_days);
  w.EndObject();
  return Send("POST", "/api/tokens/" + segment + "/rotate", w.Take());
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

StatusOr<std::string> ApiClient::AdminListTokens(const std::string& query) {
  return Send("GET", "/api/admin/tokens" + (query.empty() ? "" : "?" + query), "");
}

StatusOr<std::string> ApiClient::AdminRevokeTokens(const std::string& body) {
  return Send("POST", "/api/admin/tokens/revoke", body);
}

StatusOr<std::string> ApiClient::AdminIdentifyToken(const std::string& token) {
  JsonWriter w;
  w.BeginObject().Key("token").String(token).EndObject();
  return Send("POST", "/api/admin/tokens/identify", w.Take());
}

StatusOr<std::string> ApiClient::ListScopes() { return Send("GET", "/api/tokens/scopes", ""); }

StatusOr<std::string> ApiClient::Send(const std::string& method, const std::string& path,
                                      const std::string& body) {
  std::vector<std::pair<std::string, std::string>> headers = {{"Accept", "application/json"},
                                                              {"User-Agent", "wit-cli"}};
  if (!secret_.empty()) headers.emplace_back("Authorization", "Bearer " + secret_);
  if (method == "POST") headers.emplace_back("Content-Type", "application/json");
  StatusOr<HttpAnswer> answer = HttpExchange(server_, method, path, body, headers);
  if (!answer.ok()) return answer.status();
  if (answer->status >= 200 && answer->status < 300) return std::move(answer->body);
  return StatusFromHttp(answer->status, answer->body, kind_);
}

Status StatusFromHttp(int http_status, const std::string& body, ApiClient::Credential kind) {
  std::optional<std::string> server_message = ApiErrorMessage(body);
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
      if (kind == ApiClient::Credential::kToken) {
        return Status::Unauthenticated("the token was refused: " + message + "; check WIT_TOKEN");
      }
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
