#ifndef WIT_API_ADMIN_ROUTES_H_
#define WIT_API_ADMIN_ROUTES_H_

#include <Poco/URI.h>

#include <string>

#include "api/api_handler.h"
#include "api/api_request.h"

namespace wit {

// AdminRoutes are a security team's hold on every user's tokens, for an admin session only
// (`witd session issue --user NAME --admin`): list them across users, revoke all of a user's or
// a selection at once, and identify a token found in a paste. Every revocation is a
// token.revoked event with the admin in revokedBy; every identification is recorded too.
class AdminRoutes {
 public:
  // REQUIRES: what `context` points to outlives the routes.
  explicit AdminRoutes(const ApiContext& context) : ctx_(context) {}

  // List answers GET /api/admin/tokens: query user, status (active|revoked|expired),
  // prefix, createdBefore, createdAfter, lastUsedBefore (RFC 3339), expiringWithin ("7d"),
  // neverUsed (true|false), limit (1–1000, default 100) and cursor (the nextCursor of the page
  // before). 200 {"tokens": [token objects with userId], "nextCursor": id or null}.
  ApiReply List(const Poco::URI::QueryParameters& query) const;

  // Revoke answers POST /api/admin/tokens/revoke, body {"userId"?, "ids"?, "createdBefore"?,
  // "reason"}: at least one selector and a reason. 200 {"revoked": n} once the view holds all.
  ApiReply Revoke(const std::string& admin, const std::string& body) const;

  // Identify answers POST /api/admin/tokens/identify, body {"token"}: 200 with the token object
  // and userId, 404 when no token has its hash.
  ApiReply Identify(const ApiRequest& request, const std::string& admin,
                    const std::string& body) const;

 private:
  const ApiContext& ctx_;
};

}  // namespace wit

#endif  // WIT_API_ADMIN_ROUTES_H_
