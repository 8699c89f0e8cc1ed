#include "api/route_table.h"

namespace wit {

const std::vector<ApiRoute>& ApiRouteTable() {
  static const std::vector<ApiRoute> kRoutes = {
      {"/healthz", "GET"},
      {"/readyz", "GET"},
      {"/metrics", "GET"},
      {"/api/openapi.yaml", "GET"},
      {"/api/tokens", "GET, POST"},
      {"/api/tokens/self", "GET"},
      {"/api/tokens/self/rotate", "POST"},
      {"/api/tokens/scopes", "GET"},
      {"/api/tokens/{id}", "GET, DELETE"},
      {"/api/tokens/{id}/rotate", "POST"},
      {"/api/tokens/verify", "POST"},
      {"/api/admin/tokens", "GET"},
      {"/api/admin/tokens/revoke", "POST"},
      {"/api/admin/tokens/identify", "POST"},
      {"/api/secret-scanning/github", "POST"},
      {"/oauth/introspect", "POST"},
      {"/api/auth/forward", "*"},
      {"/api/log/checkpoint", "GET"},
      {"/api/log/checkpoints", "GET"},
      {"/api/log/proof/inclusion", "GET"},
      {"/api/log/proof/consistency", "GET"},
  };
  return kRoutes;
}

const ApiRoute* FindApiRoute(std::string_view path) {
  for (const ApiRoute& r : ApiRouteTable()) {
    if (r.path == path) return &r;
  }
  return nullptr;
}

}  // namespace wit
