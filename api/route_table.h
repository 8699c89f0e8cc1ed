#ifndef WIT_API_ROUTE_TABLE_H_
#define WIT_API_ROUTE_TABLE_H_

#include <string_view>
#include <vector>

namespace wit {

// ApiRoute is one route of the API, named as schemas/openapi.yaml names its path.
struct ApiRoute {
  std::string_view path;   // "/api/tokens/{id}"
  std::string_view allow;  // its methods as the Allow header lists them, "GET, DELETE"; "*": any
};

// ApiRouteTable lists every route ApiRoutes serves, in the order of the OpenAPI document. The
// router takes each route's name and methods from here (a route missing from the table fails
// every request to it), and api/openapi_routes_test.cc checks the table against the
// document, so neither can drift from the other.
const std::vector<ApiRoute>& ApiRouteTable();

// FindApiRoute returns the table's route named `path`, or nullptr.
const ApiRoute* FindApiRoute(std::string_view path);

}  // namespace wit

#endif  // WIT_API_ROUTE_TABLE_H_
