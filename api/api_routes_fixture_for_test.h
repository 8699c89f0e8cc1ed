// Test-only: ApiRoutes over a whole local ledger (LedgerFixture), called as the Poco handler
// calls it, with a user session (alice) and a service session (git).
#ifndef WIT_API_API_ROUTES_FIXTURE_FOR_TEST_H_
#define WIT_API_API_ROUTES_FIXTURE_FOR_TEST_H_

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "api/api_handler.h"
#include "api/ledger_fixture_for_test.h"
#include "ledger/event_codec.h"
#include "tests/test_json.h"

namespace wit {

class ApiRoutesTest : public LedgerFixture {
 protected:
  void SetUp() override {
    LedgerFixture::SetUp();
    checkpointer_ = std::make_unique<Checkpointer>(
        view_.get(), std::move(*NoteSigner::Make("wit-ledger", std::string(32, 's'))),
        "wit-ledger");
    routes_ = std::make_unique<ApiRoutes>(
        ApiContext{service_.get(), &sessions_, &metrics_,
                   [this] { return ready_ ? Status::OK() : Status::Unavailable("not ready"); },
                   checkpointer_.get(), view_.get()});
    alice_ = "Bearer " + sessions_.Issue({Principal::Kind::kUser, "alice"}, 600);
    git_ = "Bearer " + sessions_.Issue({Principal::Kind::kService, "git"}, 600);
  }
  void TearDown() override {
    routes_.reset();
    checkpointer_.reset();
    LedgerFixture::TearDown();
  }

  // Call serves one request; `body`, if given, is sent as the request's body, and `headers`
  // are the request's other headers (Content-Type among them).
  ApiReply Call(const std::string& method, const std::string& uri, const std::string& auth = "",
                const std::optional<std::string>& body = std::nullopt,
                const std::map<std::string, std::string>& headers = {}) {
    std::istringstream in(body.value_or(""));
    ApiRequest request;
    request.method = method;
    request.uri = uri;
    request.authorization = auth;
    request.client_host = "192.0.2.7";
    request.body = body ? &in : nullptr;
    request.has_body = body && !body->empty();
    if (auto type = headers.find("Content-Type"); type != headers.end()) {
      request.content_type = type->second;
    }
    request.header = [&headers](const std::string& name) {
      auto it = headers.find(name);
      return it == headers.end() ? std::string() : it->second;
    };
    return routes_->Serve(request);
  }

  static std::string Header(const ApiReply& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return "";
  }

  // ErrorCode returns the body's error.code, failing the test unless the body is an error.
  static std::string ErrorCode(const ApiReply& r) {
    testing::Json error = testing::Json::Parse(r.body).Object("error");
    EXPECT_TRUE(error.valid()) << r.body;
    EXPECT_FALSE(error.Str("message").empty()) << r.body;
    return error.Str("code");
  }

  // Events returns every event in the log, in order.
  std::vector<Event> Events() {
    std::vector<LogRecord> records;
    EXPECT_TRUE(
        (*log_->OpenReader({}))->Read(100'000, std::chrono::milliseconds(0), &records).ok());
    std::vector<Event> events;
    for (const LogRecord& r : records) {
      StatusOr<Event> e = DecodeEvent(r.payload);
      EXPECT_TRUE(e.ok()) << e.status().ToString();
      if (e.ok()) events.push_back(std::move(*e));
    }
    return events;
  }

  // Uses returns the token.used events in the log, in order.
  std::vector<Event> Uses() {
    std::vector<Event> uses;
    for (Event& e : Events()) {
      if (e.type == EventType::kUsed) uses.push_back(std::move(e));
    }
    return uses;
  }

  // NewToken has alice create a token with `scopes` (a JSON array) and returns its plaintext.
  std::string NewToken(const std::string& scopes, const std::string& extra = "") {
    ApiReply r =
        Call("POST", "/api/tokens", alice_, R"({"name":"t","scopes":)" + scopes + extra + "}");
    EXPECT_EQ(r.status, 201) << r.body;
    return testing::Json::Parse(r.body).Str("token");
  }

  SessionAuthority sessions_{std::string(32, 'k')};
  bool ready_ = true;
  std::string alice_, git_;
  std::unique_ptr<Checkpointer> checkpointer_;
  std::unique_ptr<ApiRoutes> routes_;
};

}  // namespace wit

#endif  // WIT_API_API_ROUTES_FIXTURE_FOR_TEST_H_
