// The OpenAPI document (schemas/openapi.yaml, as compiled into witd) and the routes ApiRoutes
// serves hold the same paths and methods: a route missing from either fails here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>

#include "api/api_routes_fixture_for_test.h"
#include "api/openapi_text.h"
#include "api/route_table.h"

namespace wit {
namespace {

const std::set<std::string> kAnyMethod = {"DELETE", "GET",  "HEAD", "OPTIONS",
                                          "PATCH",  "POST", "PUT",  "TRACE"};

// SpecOperations reads the document's paths and their methods. The document keeps one layout
// (a path at two spaces of indent under "paths:", its methods at four), which this relies on.
std::map<std::string, std::set<std::string>> SpecOperations() {
  std::map<std::string, std::set<std::string>> out;
  std::istringstream in(kOpenApiYaml);
  std::string line, path;
  bool in_paths = false;
  while (std::getline(in, line)) {
    if (line == "paths:") {
      in_paths = true;
      continue;
    }
    if (!in_paths) continue;
    if (!line.empty() && line[0] != ' ') break;  // the next top-level key
    if (line.size() > 3 && line.compare(0, 3, "  /") == 0 && line.back() == ':') {
      path = line.substr(2, line.size() - 3);
      out[path];
      continue;
    }
    for (const char* m : {"get", "put", "post", "delete", "patch", "head", "options", "trace"}) {
      std::string key = std::string("    ") + m + ":";
      if (line.compare(0, key.size(), key) == 0) {
        std::string upper = m;
        std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
        out[path].insert(upper);
      }
    }
  }
  return out;
}

std::set<std::string> TableMethods(const ApiRoute& r) {
  if (r.allow == "*") return kAnyMethod;
  std::set<std::string> out;
  std::istringstream in{std::string(r.allow)};
  for (std::string m; std::getline(in, m, ',');) {
    m.erase(0, m.find_first_not_of(' '));
    out.insert(m);
  }
  return out;
}

TEST(OpenApiRoutesTest, TheDocumentAndTheTableHoldTheSameRoutes) {
  std::map<std::string, std::set<std::string>> spec = SpecOperations();
  ASSERT_GE(spec.size(), 10u) << "the document's layout changed: SpecOperations reads none";
  for (const ApiRoute& r : ApiRouteTable()) {
    auto it = spec.find(std::string(r.path));
    ASSERT_NE(it, spec.end()) << r.path << " is served but not in schemas/openapi.yaml";
    EXPECT_EQ(it->second, TableMethods(r)) << r.path;
  }
  for (const auto& [path, methods] : spec) {
    EXPECT_NE(FindApiRoute(path), nullptr) << path << " is in schemas/openapi.yaml but not served";
  }
}

TEST_F(ApiRoutesTest, EveryRouteOfTheTableIsServedUnderItsName) {
  for (const ApiRoute& r : ApiRouteTable()) {
    std::string uri(r.path);
    if (size_t at = uri.find("{id}"); at != std::string::npos) {
      uri.replace(at, 4, "00000000-0000-4000-8000-000000000000");
    }
    for (const std::string& method : TableMethods(r)) {
      std::string label(r.path);
      uint64_t before = 0;
      for (int status : {200, 201, 400, 401, 403, 404, 503}) {
        before += metrics_.Value("wit_http_requests_total",
                                 {{"route", label}, {"status", std::to_string(status)}});
      }
      ApiReply reply = Call(method, uri, alice_);
      EXPECT_NE(reply.status, 405) << method << " " << uri;
      EXPECT_NE(reply.status, 500) << method << " " << uri << ": " << reply.body;
      EXPECT_EQ(reply.body.find("no such route"), std::string::npos) << method << " " << uri;
      uint64_t after = 0;
      for (int status : {200, 201, 400, 401, 403, 404, 503}) {
        after += metrics_.Value("wit_http_requests_total",
                                {{"route", label}, {"status", std::to_string(status)}});
      }
      EXPECT_EQ(after, before + 1) << method << " " << uri << " is counted under another name";
    }
    if (r.allow != "*") {
      ApiReply other = Call("PATCH", uri, alice_);
      EXPECT_EQ(other.status, 405) << uri;
      EXPECT_EQ(Header(other, "Allow"), r.allow) << uri;
    }
  }
}

TEST_F(ApiRoutesTest, TheDocumentIsServed) {
  ApiReply doc = Call("GET", "/api/openapi.yaml");
  ASSERT_EQ(doc.status, 200);
  EXPECT_EQ(doc.content_type, "application/yaml");
  EXPECT_EQ(doc.body.rfind("openapi: 3.1.0\n", 0), 0u);
  EXPECT_EQ(doc.body, kOpenApiYaml);
}

}  // namespace
}  // namespace wit
