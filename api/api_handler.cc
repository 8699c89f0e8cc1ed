#include "api/api_handler.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <optional>
#include <sstream>
#include <stdexcept>

#include "api/admin_routes.h"
#include "api/auth_routes.h"
#include "api/caller.h"
#include "api/connection_guard.h"
#include "api/credentials.h"
#include "api/form_body.h"
#include "api/handed_over_reply.h"
#include "api/http_framing.h"
#include "api/log_routes.h"
#include "api/openapi_text.h"
#include "api/request_parsing.h"
#include "api/route_table.h"
#include "api/secret_scanning.h"
#include "base/base64.h"
#include "base/json_writer.h"
#include "base/logging.h"
#include "token/scopes.h"

namespace wit {
namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

using Reply = ApiReply;

Reply Error(int status, const std::string& message) { return ErrorReply(status, message); }
Reply FromStatus(const Status& s) { return StatusReply(s); }

void WriteToken(JsonWriter& w, const TokenState& t, TimeMs now, const std::string* plaintext,
                TokenFields fields = TokenFields::kApi) {
  TokenObject object = ToTokenObject(t, now);
  if (plaintext) object.token = *plaintext;
  WriteTokenObject(w, object, fields);
}

Reply TokenReply(int status, const TokenState& t, const std::string* plaintext = nullptr) {
  JsonWriter w;
  WriteToken(w, t, NowMs(), plaintext);
  return {status, w.Take()};
}

// Finish counts a reply to `route` and adds what its status calls for.
void Finish(const ApiContext& ctx, const std::string& route, Reply* reply) {
  // Every header value witd writes passes here, whatever its source (a user id, a token's
  // name): one holding a line break would split the answer, so the answer is refused instead.
  for (const auto& [name, value] : reply->headers) {
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      LogError("http: the answer's " + name + " header held CR, LF or NUL; answered 500");
      *reply = Error(500, "internal error");
      break;
    }
  }
  ctx.metrics->Increment("wit_http_requests_total",
                         {{"route", route}, {"status", std::to_string(reply->status)}});
  if (reply->status == 503) reply->headers.emplace_back("Retry-After", "1");
}

// VerifyReply is the answer to POST /api/tokens/verify, counted.
Reply VerifyReply(const ApiContext& ctx, const StatusOr<VerifyResult>& result,
                  const std::string& client_host) {
  if (!result.ok()) {
    ctx.metrics->Increment("wit_verify_total", {{"result", "error"}});
    return FromStatus(result.status());
  }
  ctx.metrics->Increment("wit_verify_total",
                         {{"result", result->active ? "active" : result->reason}});
  if (!result->active) {
    // Per calling address, so a service (or whoever holds its credential) probing for
    // tokens shows up; the family is capped (LedgerServer) against address churn.
    ctx.metrics->Increment("wit_verify_failures_total", {{"client", client_host}});
  }
  JsonWriter w;
  w.BeginObject().Key("active").Bool(result->active);
  if (result->active) {
    const TokenState& t = result->token;
    w.Key("id").String(t.id).Key("userId").String(t.user_id).Key("name").String(t.name);
    w.Key("prefix").String(t.prefix).Key("scopes").StringArray(t.scopes);
    w.Key("expiresAt").OptTime(t.expires_at);
  } else {
    w.Key("reason").String(result->reason);
  }
  w.EndObject();
  return {200, w.Take()};
}

// RouteCall serves one request: ApiRoutes::Serve's body, with what it learns on the way.
class RouteCall {
 public:
  explicit RouteCall(const ApiContext& context) : ctx_(context) {}

  Reply Serve(ApiRequest& request) {
    std::string route = "unmatched";
    Reply reply;
    if (request.framing_status != 0) {
      reply = Error(request.framing_status, request.framing_message);
      reply.close = true;  // where this request ends is not known
      Finish(ctx_, route, &reply);
      return reply;
    }
    try {
      reply = Route(request, &route);
    } catch (const Poco::SyntaxException&) {
      // A URI that does not decode (bad percent-encoding): the client's fault, and its text
      // may hold anything, so it is neither echoed nor logged.
      reply = Error(400, "the request URI is not valid");
    } catch (const Poco::Exception& ex) {
      LogError(std::string("http: ") + ex.className());
      reply = Error(500, "internal error");
    } catch (const std::exception& ex) {
      LogError(std::string("http: ") + ex.what());
      reply = Error(500, "internal error");
    }
    if (reply.deferred) return reply;  // counted and finished where it is delivered
    Finish(ctx_, route, &reply);
    if (reply.status == 405) reply.headers.emplace_back("Allow", allow_);
    // A body left unread would be taken for the next request on this connection.
    if (request.has_body && !body_read_) reply.close = true;
    return reply;
  }

 private:
  Reply Route(ApiRequest& request, std::string* route) {
    Poco::URI uri(request.uri);
    const std::string& path = uri.getPath();
    Poco::URI::QueryParameters query = uri.getQueryParameters();  // throws now if malformed
    const std::string& method = request.method;

    if (path == "/healthz") {
      return Only(method, route, "/healthz", [] { return Reply{200, "{\"status\":\"ok\"}"}; });
    }
    if (path == "/readyz") {
      return Only(method, route, "/readyz", [&] {
        Status ready = ctx_.ready();
        return ready.ok() ? Reply{200, "{\"status\":\"ready\"}"} : Error(503, ready.message());
      });
    }
    if (path == "/metrics") {
      return Only(method, route, "/metrics", [&] {
        return Reply{200, ctx_.metrics->Render(), "text/plain; version=0.0.4"};
      });
    }
    if (path.compare(0, 9, "/api/log/") == 0) return Log(method, path, query, route);
    if (path.compare(0, kForwardAuthPrefix.size(), kForwardAuthPrefix) == 0 &&
        (path.size() == kForwardAuthPrefix.size() || path[kForwardAuthPrefix.size()] == '/')) {
      Use(route, kForwardAuthPrefix);
      return AuthRoutes(ctx_).Forward(request);
    }
    if (path == "/oauth/introspect") {
      return Only(method, route, "/oauth/introspect", [&] { return Introspect(request); });
    }
    if (path == "/api/openapi.yaml") {
      return Only(method, route, "/api/openapi.yaml", [] {
        return Reply{200, std::string(kOpenApiYaml), "application/yaml"};
      });
    }
    if (path.compare(0, 11, "/api/admin/") == 0) return Admin(request, query, route);
    if (path == "/api/secret-scanning/github") {
      return Only(method, route, "/api/secret-scanning/github", [&] {
        Reply too_large;
        StatusOr<std::string> body = ReadBody(request, &too_large);
        if (!body.ok()) return too_large;
        return SecretScanningRoutes(ctx_.github_keys, ctx_.service, ctx_.metrics)
            .GitHub(request, *body);
      });
    }
    if (path == "/api/tokens/scopes") {
      return Only(method, route, "/api/tokens/scopes", [] { return Scopes(); });
    }
    if (path == "/api/tokens/verify") {
      return Only(method, route, "/api/tokens/verify", [&] { return Verify(request); });
    }
    if (path == "/api/tokens/self/rotate") {
      return Only(method, route, "/api/tokens/self/rotate",
                  [&] { return Rotate(request, std::nullopt); });
    }
    if (path == "/api/tokens/self") {
      return Only(method, route, "/api/tokens/self", [&] { return Self(request); });
    }
    if (path == "/api/tokens" || path == "/api/tokens/") {
      Use(route, "/api/tokens");
      if (method == "GET") return List(request, query);
      if (method == "POST") return Create(request);
      return Error(405, "use GET or POST on /api/tokens");
    }
    const std::string kItem = "/api/tokens/";
    const std::string kRotate = "/rotate";
    size_t slash = path.find('/', kItem.size());
    if (path.compare(0, kItem.size(), kItem) == 0 && slash != std::string::npos &&
        slash > kItem.size() && path.compare(slash, std::string::npos, kRotate) == 0) {
      std::string id = path.substr(kItem.size(), slash - kItem.size());
      return Only(method, route, "/api/tokens/{id}/rotate", [&] { return Rotate(request, id); });
    }
    if (path.compare(0, kItem.size(), kItem) == 0 && slash == std::string::npos) {
      Use(route, "/api/tokens/{id}");
      std::string id = path.substr(kItem.size());
      if (method == "GET") return Item(request, id, false);
      if (method == "DELETE") return Item(request, id, true);
      return Error(405, "use GET or DELETE on /api/tokens/{id}");
    }
    return Error(404, "no such route: " + path);
  }

  // Log serves the verifiable log's public reads (api/log_routes.h).
  Reply Log(const std::string& method, const std::string& path,
            const Poco::URI::QueryParameters& query, std::string* route) {
    LogRoutes log(ctx_.checkpoints, ctx_.view);
    auto answer = [](const StatusOr<std::string>& body, const char* type) {
      return body.ok() ? Reply{200, *body, type} : FromStatus(body.status());
    };
    if (path == "/api/log/checkpoint") {
      return Only(method, route, "/api/log/checkpoint",
                  [&] { return answer(log.Checkpoint(query), "text/plain; charset=utf-8"); });
    }
    if (path == "/api/log/checkpoints") {
      return Only(method, route, "/api/log/checkpoints", [&] {
        return Reply{200, log.Checkpoints()};
      });
    }
    if (!ctx_.view) return Error(404, "no such route: " + path);
    if (path == "/api/log/proof/inclusion") {
      return Only(method, route, "/api/log/proof/inclusion",
                  [&] { return answer(log.InclusionProof(query), "application/json"); });
    }
    if (path == "/api/log/proof/consistency") {
      return Only(method, route, "/api/log/proof/consistency",
                  [&] { return answer(log.ConsistencyProof(query), "application/json"); });
    }
    return Error(404, "no such route: " + path);
  }

  // Admin serves the admin routes (api/admin_routes.h), for an admin session only.
  Reply Admin(ApiRequest& request, const Poco::URI::QueryParameters& query, std::string* route) {
    Poco::URI uri(request.uri);
    const std::string& path = uri.getPath();
    const std::string& method = request.method;
    auto serve = [&](auto&& body) {
      StatusOr<Principal> who = AuthorizeAdmin(request);
      if (!who.ok()) return FromStatus(who.status());
      return body(who->name);
    };
    auto with_body = [&](auto&& fn) {
      return serve([&](const std::string& admin) {
        Reply too_large;
        StatusOr<std::string> body = ReadBody(request, &too_large);
        if (!body.ok()) return too_large;
        return fn(admin, *body);
      });
    };
    AdminRoutes admin(ctx_);
    if (path == "/api/admin/tokens") {
      return Only(method, route, "/api/admin/tokens",
                  [&] { return serve([&](const std::string&) { return admin.List(query); }); });
    }
    if (path == "/api/admin/tokens/revoke") {
      return Only(method, route, "/api/admin/tokens/revoke", [&] {
        return with_body([&](const std::string& who, const std::string& body) {
          return admin.Revoke(who, body);
        });
      });
    }
    if (path == "/api/admin/tokens/identify") {
      return Only(method, route, "/api/admin/tokens/identify", [&] {
        return with_body([&](const std::string& who, const std::string& body) {
          return admin.Identify(request, who, body);
        });
      });
    }
    return Error(404, "no such route: " + path);
  }

  // AuthorizeAdmin returns the admin an admin session names. A personal access token never
  // acts as an admin, whatever its owner.
  StatusOr<Principal> AuthorizeAdmin(ApiRequest& request) {
    StatusOr<PresentedCredential> presented = ParseAuthorization(request.authorization);
    if (presented.ok() && IsPersonalAccessToken(presented->secret)) {
      return Status::PermissionDenied("a token cannot act as an admin: send an admin session");
    }
    StatusOr<Principal> who = ctx_.sessions->Authenticate(request.authorization);
    if (!who.ok()) return who;
    if (who->kind != Principal::Kind::kUser || !who->admin) {
      return Status::PermissionDenied(
          "the admin routes take an admin session (witd session issue --user NAME --admin)");
    }
    return who;
  }

  // Use names the request's route and its methods (for 405's Allow) from ApiRouteTable.
  void Use(std::string* route, std::string_view name) {
    const ApiRoute* known = FindApiRoute(name);
    // A route the table does not hold is a bug caught by every test that reaches it.
    if (!known) throw std::logic_error("route missing from ApiRouteTable: " + std::string(name));
    *route = std::string(known->path);
    allow_ = std::string(known->allow);
  }

  // Only serves a route of one method, the table's.
  template <typename F>
  Reply Only(const std::string& method, std::string* route, std::string_view name, F serve) {
    Use(route, name);
    if (method != allow_) return Error(405, "use " + allow_ + " on " + *route);
    return serve();
  }

  // AuthorizeService returns the service if the request carries a valid service session.
  StatusOr<Principal> AuthorizeService(ApiRequest& request) {
    StatusOr<Principal> who = ctx_.sessions->Authenticate(request.authorization);
    if (!who.ok()) return who;
    if (who->kind != Principal::Kind::kService) {
      return Status::PermissionDenied("only a service credential may verify tokens");
    }
    return who;
  }

  // AuthorizeUser returns whom a user route acts for: a user's session, or a token holding
  // `scope` (any active token when none), whose use is recorded as `action` (api/caller.h).
  StatusOr<Caller> AuthorizeUser(ApiRequest& request, std::optional<std::string> scope,
                                 const char* action, std::optional<std::string> resource = {}) {
    CallerCheck check;
    check.scope = std::move(scope);
    check.action = action;
    check.resource = std::move(resource);
    check.ip = request.client_host;
    if (!request.user_agent.empty()) check.user_agent = request.user_agent;
    return AuthenticateCaller(*ctx_.sessions, *ctx_.service, request.authorization, check);
  }

  // ReadBody reads at most kMaxBodyBytes; past that the answer is 413. The excess is read and
  // dropped up to kDrainBytes so the client, still sending, gets to read the answer (closing
  // on unread data would reset the connection under it); beyond that the connection closes.
  StatusOr<std::string> ReadBody(ApiRequest& request, Reply* too_large) {
    body_read_ = true;
    std::istringstream none;
    std::istream& in = request.body ? *request.body : none;
    std::string body;
    char chunk[4096];
    while (body.size() <= kMaxBodyBytes && in.read(chunk, sizeof chunk).gcount() > 0) {
      body.append(chunk, static_cast<size_t>(in.gcount()));
    }
    if (body.size() <= kMaxBodyBytes) return body;

    *too_large = Error(413, "request body is larger than 64 KiB");
    constexpr std::streamsize kDrainBytes = 8 << 20;
    std::streamsize drained = 0;
    char sink[16384];
    while (drained < kDrainBytes && in.read(sink, sizeof sink)) drained += in.gcount();
    too_large->close = !in.eof();
    return Status::InvalidArgument("too large");
  }

  static Reply Scopes() {
    JsonWriter w;
    w.BeginObject().Key("scopes").BeginArray();
    for (const ScopeInfo& s : AllScopes()) {
      w.BeginObject().Key("name").String(s.name).Key("group").String(s.group);
      w.Key("description").String(s.description).EndObject();
    }
    w.EndArray().EndObject();
    return {200, w.Take()};
  }

  Reply Create(ApiRequest& request) {
    StatusOr<Caller> who = AuthorizeUser(request, "user:write", "tokens.create");
    if (!who.ok()) return FromStatus(who.status());
    Reply too_large;
    StatusOr<std::string> body = ReadBody(request, &too_large);
    if (!body.ok()) return too_large;
    StatusOr<CreateRequest> req = ParseCreateRequest(*body);
    if (!req.ok()) return FromStatus(req.status());
    if (who->token) {
      Status within = WithinTokenScopes(who->token->scopes, req->scopes.value_or(DefaultScopes()));
      if (within.ok()) within = WithinTokenLifetime(*who->token, req->expires_in_days, NowMs());
      if (within.ok()) within = InheritTokenLimits(*who->token, &*req);
      if (!within.ok()) return FromStatus(within);
    }
    StatusOr<CreatedToken> created = ctx_.service->Create(who->user, *req);
    if (!created.ok()) return FromStatus(created.status());
    return TokenReply(201, created->token, &created->plaintext);
  }

  Reply List(ApiRequest& request, const Poco::URI::QueryParameters& query) {
    StatusOr<Caller> who = AuthorizeUser(request, "user:read", "tokens.list");
    if (!who.ok()) return FromStatus(who.status());
    std::string status = "active";
    std::optional<int64_t> within;
    for (const auto& [key, value] : query) {
      if (key == "status") status = value;
      if (key == "expiringWithin") {
        StatusOr<int64_t> ms = ParseExpiringWithin(value);
        if (!ms.ok()) return FromStatus(ms.status());
        within = *ms;
      }
    }
    StatusOr<std::vector<TokenState>> tokens = ctx_.service->List(who->user, status);
    if (!tokens.ok()) return FromStatus(tokens.status());
    JsonWriter w;
    TimeMs now = NowMs();
    w.BeginObject().Key("tokens").BeginArray();
    for (const auto& t : *tokens) {
      // About to lapse: an expiry between now and the window's end (expired ones are past it).
      if (within && (!t.expires_at || *t.expires_at <= now || *t.expires_at > now + *within)) {
        continue;
      }
      WriteToken(w, t, now, nullptr);
    }
    w.EndArray().EndObject();
    return {200, w.Take()};
  }

  Reply Item(ApiRequest& request, const std::string& id, bool revoke) {
    StatusOr<Caller> who = revoke ? AuthorizeUser(request, "user:write", "tokens.revoke", id)
                                  : AuthorizeUser(request, "user:read", "tokens.show", id);
    if (!who.ok()) return FromStatus(who.status());
    StatusOr<TokenState> t =
        revoke ? ctx_.service->Revoke(who->user, id) : ctx_.service->Get(who->user, id);
    if (!t.ok()) return FromStatus(t.status());
    return TokenReply(200, *t);
  }

  // Rotate replaces a token and answers the new one with its plaintext: POST
  // /api/tokens/{id}/rotate (`id`), or /api/tokens/self/rotate for the token presented.
  Reply Rotate(ApiRequest& request, const std::optional<std::string>& id) {
    StatusOr<Caller> who = id ? AuthorizeUser(request, "user:write", "tokens.rotate", *id)
                              : AuthorizeUser(request, std::nullopt, "tokens.rotate");
    if (!who.ok())
      return id ? FromStatus(who.status()) : RefusedSelfRotation(request, who.status());
    Reply too_large;
    StatusOr<std::string> body = ReadBody(request, &too_large);
    if (!body.ok()) return too_large;
    StatusOr<std::optional<int64_t>> days = ParseRotateRequest(*body);
    if (!days.ok()) return FromStatus(days.status());
    if (!id && !who->token) {
      return Error(400,
                   "POST /api/tokens/self/rotate rotates the token presented: send "
                   "Authorization: Bearer wit_...");
    }
    const std::string& target = id ? *id : who->token->id;
    if (id && who->token && *id != who->token->id) {
      // A token rotating another gets its plaintext: as with creation, no more than its own.
      StatusOr<TokenState> t = ctx_.service->Get(who->user, *id);
      if (!t.ok()) return FromStatus(t.status());
      Status within = WithinTokenScopes(who->token->scopes, t->scopes);
      if (within.ok()) within = WithinTokenLifetime(*who->token, *days, NowMs());
      if (within.ok()) within = WithinTokenLimits(*who->token, *t);
      if (!within.ok()) return FromStatus(within);
    }
    StatusOr<RotatedToken> rotated = ctx_.service->Rotate(who->user, target, *days);
    if (!rotated.ok()) return FromStatus(rotated.status());
    return TokenReply(200, rotated->created.token, &rotated->created.plaintext);
  }

  // RefusedSelfRotation answers a self-rotation whose token was refused. A token already
  // rotated away is a reuse, which revokes its family (TokenService::Rotate); any other refusal
  // is answered as it is.
  Reply RefusedSelfRotation(ApiRequest& request, const Status& refused) {
    StatusOr<PresentedCredential> presented = ParseAuthorization(request.authorization);
    if (refused.code() == Status::Code::kUnauthenticated && presented.ok() &&
        IsPersonalAccessToken(presented->secret)) {
      StatusOr<TokenState> t = ctx_.service->FindByPlaintext(presented->secret);
      if (t.ok() && t->revoked_at && t->revoked_reason == "rotated") {
        return FromStatus(ctx_.service->Rotate(t->user_id, t->id, std::nullopt).status());
      }
    }
    return FromStatus(refused);
  }

  // Self describes the token presented as the credential, with its owner.
  Reply Self(ApiRequest& request) {
    StatusOr<Caller> who = AuthorizeUser(request, std::nullopt, "tokens.self");
    if (!who.ok()) return FromStatus(who.status());
    if (!who->token) {
      return Error(400,
                   "GET /api/tokens/self describes the token presented: send "
                   "Authorization: Bearer wit_...");
    }
    JsonWriter w;
    WriteToken(w, *who->token, NowMs(), nullptr, TokenFields::kSelf);
    return {200, w.Take()};
  }

  // Introspect is RFC 7662: a service asks about a token sent as a form field.
  Reply Introspect(ApiRequest& request) {
    StatusOr<Principal> who = AuthorizeService(request);
    if (!who.ok()) return FromStatus(who.status());
    if (!IsFormContentType(request.content_type)) {
      return Error(400, "send the token as application/x-www-form-urlencoded: token=...");
    }
    Reply too_large;
    StatusOr<std::string> body = ReadBody(request, &too_large);
    if (!body.ok()) return too_large;
    return AuthRoutes(ctx_).Introspect(request, who->name, *body);
  }

  Reply Verify(ApiRequest& request) {
    StatusOr<Principal> who = AuthorizeService(request);
    if (!who.ok()) return FromStatus(who.status());
    Reply too_large;
    StatusOr<std::string> body = ReadBody(request, &too_large);
    if (!body.ok()) return too_large;
    StatusOr<VerifyRequest> req = ParseVerifyRequest(*body);
    if (!req.ok()) return FromStatus(req.status());
    std::function<void(const Reply&)> deliver;
    if (request.hand_over && ctx_.service->VerifyWaitsForTheLog()) deliver = request.hand_over();
    if (deliver) {
      // Answered from the use recorder's thread once the use is durable: this thread goes back
      // to its connection instead of sleeping until then.
      ctx_.service->VerifyThen(
          who->name, *req,
          [ctx = &ctx_, deliver = std::move(deliver),
           client = request.client_host](const StatusOr<VerifyResult>& result) {
            Reply reply = VerifyReply(*ctx, result, client);
            Finish(*ctx, "/api/tokens/verify", &reply);
            deliver(reply);
          });
      Reply handed_over;
      handed_over.deferred = true;
      return handed_over;
    }
    return VerifyReply(ctx_, ctx_.service->Verify(who->name, *req), request.client_host);
  }

  const ApiContext& ctx_;
  std::string allow_;
  bool body_read_ = false;
};

// The reply this thread's connection handed over last (see PocoHandler): a connection is
// served by one thread from its first request to its last.
thread_local std::shared_ptr<HandedOverReply> t_handed_over;

// PocoHandler takes a Poco request apart for ApiRoutes and sends its reply.
class PocoHandler : public Poco::Net::HTTPRequestHandler {
 public:
  // REQUIRES: `routes` outlives the handler.
  explicit PocoHandler(const ApiRoutes& routes) : routes_(routes) {}

  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    // The head is in: no deadline while it is served, and the next one's from its answer on.
    ConnectionGuard::HeadRead();
    struct AnsweredOnReturn {
      ~AnsweredOnReturn() { ConnectionGuard::Answered(); }
    } answered;
    ApiRequest call;
    call.method = request.getMethod();
    call.uri = request.getURI();
    call.authorization = request.get("Authorization", "");
    call.user_agent = request.get("User-Agent", "");
    call.content_type = request.get("Content-Type", "");
    call.header = [&request](const std::string& name) { return request.get(name, ""); };
    call.client_host = request.clientAddress().host().toString();
    call.body = &request.stream();
    RequestFraming framing;
    framing.method = call.method;
    framing.takes_body = call.uri.rfind(kForwardAuthPrefix, 0) != 0;
    framing.http10 = request.getVersion() == Poco::Net::HTTPMessage::HTTP_1_0;
    for (const auto& [name, value] : request) {
      framing.header_names.push_back(name);
      if (Poco::icompare(name, "Content-Length") == 0) framing.content_lengths.push_back(value);
      if (Poco::icompare(name, "Transfer-Encoding") == 0) {
        framing.transfer_encodings.push_back(value);
      }
    }
    FramingError refused = CheckFraming(framing);
    call.framing_status = refused.status;
    call.framing_message = refused.message;
    // Read only once the framing is sound: Poco throws on a length that is no number.
    call.has_body =
        refused.status == 0 && ((request.hasContentLength() && request.getContentLength64() > 0) ||
                                request.getChunkedTransferEncoding());
    // A plain-TCP connection's reply may be sent by the thread that makes its use durable. (A
    // TLS session's state is one thread's at a time, so its replies stay on this one.)
    std::shared_ptr<HandedOverReply> handed;
    auto& socket = static_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket();
    if (!socket.secure()) {
      call.hand_over = [&]() -> std::function<void(const ApiReply&)> {
        handed = HandedOverReply::Make(socket.impl()->sockfd(), response.getVersion(),
                                       response.getKeepAlive());
        if (!handed) return nullptr;
        return [handed = handed](const ApiReply& r) { handed->Send(r); };
      };
    }
    ApiReply reply = routes_.Serve(call);
    if (reply.deferred) {
      t_handed_over = std::move(handed);
      return;
    }
    try {
      response.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(reply.status));
      response.setContentType(reply.content_type);
      for (const auto& [name, value] : reply.headers) response.set(name, value);
      if (reply.close) response.setKeepAlive(false);
      response.setContentLength(static_cast<std::streamsize>(reply.body.size()));
      response.send().write(reply.body.data(), static_cast<std::streamsize>(reply.body.size()));
    } catch (const Poco::Exception&) {
      // The client went away; nothing to answer.
    }
  }

 private:
  const ApiRoutes& routes_;
};

}  // namespace

ApiReply ApiRoutes::Serve(ApiRequest& request) const { return RouteCall(ctx_).Serve(request); }

Poco::Net::HTTPRequestHandler* ApiHandlerFactory::createRequestHandler(
    const Poco::Net::HTTPServerRequest&) {
  // The last reply this thread handed over belongs to this connection (or to one that has
  // ended): it leaves before anything of this request's, "100 Continue" included, which Poco
  // sends between this call and handleRequest.
  if (t_handed_over) {
    t_handed_over->AwaitSent();
    t_handed_over.reset();
  }
  return new PocoHandler(routes_);
}

}  // namespace wit
