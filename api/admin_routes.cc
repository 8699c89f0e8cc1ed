#include "api/admin_routes.h"

#include "api/request_parsing.h"
#include "base/flat_json.h"
#include "base/json_writer.h"
#include "base/random.h"
#include "base/utf8.h"
#include "token/token.h"

namespace wit {
namespace {

constexpr size_t kDefaultPage = 100;
constexpr size_t kMaxPage = 1000;
constexpr size_t kMaxReasonLength = 200;
constexpr size_t kMaxIds = 1000;

Status Time(const std::string& key, const std::string& value, std::optional<TimeMs>* out) {
  StatusOr<TimeMs> t = ParseRfc3339(value);
  if (!t.ok()) return Status::InvalidArgument(key + " must be an RFC 3339 time");
  *out = *t;
  return Status::OK();
}

// ReadQuery reads List's query parameters into `q`, `after` and `limit`.
Status ReadQuery(const Poco::URI::QueryParameters& params, TokenQuery* q, std::string* after,
                 size_t* limit) {
  for (const auto& [key, value] : params) {
    Status s;
    if (key == "user") {
      q->user_id = value;
    } else if (key == "status") {
      if (value != "active" && value != "revoked" && value != "expired" && value != "all") {
        return Status::InvalidArgument("status must be one of active, revoked, expired, all");
      }
      if (value != "all") q->status = value;
    } else if (key == "prefix") {
      if (!IsTokenPrefix(value))
        return Status::InvalidArgument("prefix must be 8 base62 characters");
      q->prefix = value;
    } else if (key == "createdBefore") {
      s = Time(key, value, &q->created_before);
    } else if (key == "createdAfter") {
      s = Time(key, value, &q->created_after);
    } else if (key == "lastUsedBefore") {
      s = Time(key, value, &q->last_used_before);
    } else if (key == "expiringWithin") {
      StatusOr<int64_t> ms = ParseExpiringWithin(value);
      if (!ms.ok()) return ms.status();
      q->expiring_within_ms = *ms;
    } else if (key == "neverUsed") {
      if (value != "true" && value != "false") {
        return Status::InvalidArgument("neverUsed must be true or false");
      }
      q->never_used = value == "true";
    } else if (key == "limit") {
      bool digits = !value.empty() && value.size() <= 4 &&
                    value.find_first_not_of("0123456789") == std::string::npos;
      size_t n = digits ? std::stoul(value) : 0;
      if (n < 1 || n > kMaxPage) return Status::InvalidArgument("limit must be from 1 to 1000");
      *limit = n;
    } else if (key == "cursor") {
      if (!IsUuid(value))
        return Status::InvalidArgument("cursor must be a nextCursor given before");
      *after = value;
    }
    if (!s.ok()) return s;
  }
  return Status::OK();
}

// CheckReason holds a revocation's reason to what token.revoked's schema allows: 1 to 200
// characters (code points, as JSON Schema counts them) of text without control characters.
Status CheckReason(const std::string& reason) {
  size_t characters = 0;
  for (size_t i = 0, n = 0; i < reason.size(); i += n, ++characters) {
    n = Utf8SequenceLength(reason, i);
    auto c = static_cast<unsigned char>(reason[i]);
    if (n == 0 || c < 0x20 || c == 0x7f) {
      return Status::InvalidArgument("reason must be UTF-8 text without control characters");
    }
  }
  if (characters == 0 || characters > kMaxReasonLength) {
    return Status::InvalidArgument("reason must be 1 to 200 characters: it lands in every event");
  }
  return Status::OK();
}

void WriteToken(JsonWriter& w, const TokenState& t, TimeMs now) {
  WriteTokenObject(w, ToTokenObject(t, now), TokenFields::kSelf);
}

}  // namespace

ApiReply AdminRoutes::List(const Poco::URI::QueryParameters& params) const {
  TokenQuery q;
  std::string after, next;
  size_t limit = kDefaultPage;
  if (Status s = ReadQuery(params, &q, &after, &limit); !s.ok()) return StatusReply(s);
  std::vector<TokenState> tokens = ctx_.service->Query(q, after, limit, &next);
  JsonWriter w;
  TimeMs now = NowMs();
  w.BeginObject().Key("tokens").BeginArray();
  for (const TokenState& t : tokens) WriteToken(w, t, now);
  w.EndArray().Key("nextCursor");
  if (next.empty()) {
    w.Null();
  } else {
    w.String(next);
  }
  w.EndObject();
  return {200, w.Take()};
}

ApiReply AdminRoutes::Revoke(const std::string& admin, const std::string& body) const {
  StatusOr<FlatObject> obj = ParseFlatObject(body);
  if (!obj.ok()) return ErrorReply(400, "request body must be a JSON object");
  TokenQuery q;
  std::optional<std::vector<std::string>> ids;
  std::string reason;
  for (const auto& [key, v] : obj->members()) {
    using Type = FlatValue::Type;
    if (v.type == Type::kNull) continue;
    if (key == "userId" || key == "createdBefore" || key == "reason") {
      if (v.type != Type::kString) return ErrorReply(400, key + " must be a string");
    }
    if (key == "userId") {
      if (v.string.empty()) return ErrorReply(400, "userId must not be empty");
      q.user_id = v.string;
    } else if (key == "createdBefore") {
      if (Status s = Time(key, v.string, &q.created_before); !s.ok()) return StatusReply(s);
    } else if (key == "reason") {
      reason = v.string;
    } else if (key == "ids") {
      if (v.type != Type::kStringArray || v.strings.empty() || v.strings.size() > kMaxIds) {
        return ErrorReply(400, "ids must be an array of 1 to 1000 token ids");
      }
      ids = v.strings;
    }
  }
  if (Status s = CheckReason(reason); !s.ok()) return StatusReply(s);
  if (!q.user_id && !ids && !q.created_before) {
    return ErrorReply(400, "give userId, ids or createdBefore: what to revoke");
  }
  StatusOr<size_t> revoked = ctx_.service->RevokeMatching(q, ids, RevokeRequest{reason, admin});
  ctx_.metrics->Increment("wit_admin_actions_total", {{"action", "revoke"}});
  if (!revoked.ok()) return StatusReply(revoked.status());
  JsonWriter w;
  w.BeginObject().Key("revoked").Int(static_cast<int64_t>(*revoked)).EndObject();
  return {200, w.Take()};
}

ApiReply AdminRoutes::Identify(const ApiRequest& request, const std::string& admin,
                               const std::string& body) const {
  StatusOr<FlatObject> obj = ParseFlatObject(body);
  if (!obj.ok()) return ErrorReply(400, "request body must be a JSON object");
  const FlatValue* token = obj->Find("token");
  if (!token || token->type != FlatValue::Type::kString) {
    return ErrorReply(400, "token is required: the wit_ token found");
  }
  std::optional<std::string> ip;
  if (!request.client_host.empty()) ip = request.client_host;
  StatusOr<TokenState> t = ctx_.service->Identify(token->string, admin, ip);
  ctx_.metrics->Increment("wit_admin_actions_total", {{"action", "identify"}});
  if (!t.ok()) return StatusReply(t.status());
  JsonWriter w;
  WriteToken(w, *t, NowMs());
  return {200, w.Take()};
}

}  // namespace wit
