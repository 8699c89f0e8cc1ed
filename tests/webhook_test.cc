// Webhooks end to end: a real witd with --webhook, and a receiver (tests/webhook_receiver.py,
// Python's http.server and hmac) that is down at first and then fails on purpose. Every notice
// must arrive signed, in order per token, and exactly once across a clean restart.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "tests/support/background_process.h"
#include "tests/support/text.h"
#include "tests/test_json.h"
#include "tests/witd_process.h"

namespace wit::testing {
namespace {

const std::string kPython = WIT_SOURCE_DIR "/scripts/venv/bin/python3";

struct Received {
  std::string delivery, event;
  bool signature_valid = false;
  std::vector<std::string> schema_errors;  // against schemas/webhooks/notice.schema.json
  Json body;
};

std::vector<Received> ReadReceived(const std::string& path) {
  std::vector<Received> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    Json j = Json::Parse(line);
    out.push_back({j.Str("delivery"), j.Str("event"), j.Bool("signatureValid"),
                   j.Strings("schemaErrors"), Json::Parse(j.Str("body"))});
  }
  return out;
}

// Metric returns the sum of a metric's series whose line starts with `prefix`.
int64_t Metric(uint16_t port, const std::string& prefix) {
  int64_t total = 0;
  for (const std::string& line : Lines(Http(port, "GET", "/metrics").body)) {
    if (line.rfind(prefix, 0) == 0) total += std::stoll(line.substr(line.rfind(' ') + 1));
  }
  return total;
}

template <typename F>
bool WaitFor(F done, std::chrono::seconds limit = std::chrono::seconds(30)) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

TEST(WebhookTest, EveryNoticeArrivesSignedInOrderAndOnceThoughTheReceiverFails) {
  std::string dir = MakeTempDir("webhook");
  std::string secret = dir + "/webhook.secret", received = dir + "/received.jsonl";
  std::ofstream(secret) << std::string(64, 'a') << "5\n";  // as `openssl rand -hex` writes one
  CommandResult keys = RunCommand(
      ShellQuote(kPython) + " " WIT_SOURCE_DIR "/tests/github_alert.py keys " + ShellQuote(dir));
  ASSERT_EQ(keys.exit_code, 0) << keys.err;
  std::string key_id = Lines(keys.out).at(0);
  uint16_t port = FreePort();
  std::vector<std::string> args = {"--webhook",
                                   "http://127.0.0.1:" + std::to_string(port) + "/hooks/wit",
                                   "--webhook-secret-file",
                                   secret,
                                   "--webhook-expiry-scan-ms",
                                   "200",
                                   "--webhook-initial-backoff-ms",
                                   "50",
                                   "--webhook-max-backoff-ms",
                                   "200",
                                   "--github-scanning-keys",
                                   dir + "/public_keys.json"};
  auto witd = std::make_unique<WitdProcess>(dir + "/data", args);
  ASSERT_TRUE(witd->Start()) << witd->log_path();
  std::string alice = witd->UserSession("alice");
  auto create = [&](const std::string& body) {
    HttpResponse r = Http(witd->port(), "POST", "/api/tokens", body, alice);
    EXPECT_EQ(r.status, 201) << r.body;
    return Json::Parse(r.body);
  };

  // The receiver is down: the API answers all the same, and the notices wait.
  Json soon = create("{\"name\":\"soon\",\"expiresInDays\":1}");
  Json week = create("{\"name\":\"week\",\"expiresInDays\":5}");
  Json month = create("{\"name\":\"month\",\"expiresInDays\":20}");
  Json gone = create("{\"name\":\"gone\"}");
  Json ci = create("{\"name\":\"ci\"}");
  ASSERT_EQ(Http(witd->port(), "DELETE", "/api/tokens/" + gone.Str("id"), "", alice).status, 200);
  HttpResponse rotated =
      Http(witd->port(), "POST", "/api/tokens/" + ci.Str("id") + "/rotate", "", alice);
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  Json ci2 = Json::Parse(rotated.body);
  std::string alert = dir + "/alert.json";
  std::ofstream(alert)
      << "[{\"token\":\"" << ci2.Str("token")
      << "\",\"type\":\"wit_pat\",\"url\":\"https://github.com/acme/x/blob/1/.env\","
         "\"source\":\"content\"}]";
  CommandResult leak =
      RunCommand(ShellQuote(kPython) + " " WIT_SOURCE_DIR "/tests/github_alert.py send " +
                 ShellQuote(witd->url() + "/api/secret-scanning/github") + " " +
                 ShellQuote(dir + "/current.pem") + " " + key_id + " " + ShellQuote(alert));
  ASSERT_EQ(Lines(leak.out).at(0), "200") << leak.out << leak.err;
  EXPECT_TRUE(WaitFor([&] {
    return Metric(witd->port(), "wit_webhook_deliveries_total{result=\"failed\"}") >= 2;
  }));
  EXPECT_GT(Metric(witd->port(), "wit_webhook_queued"), 0);

  // Now it listens, and fails its first three answers with 503.
  const std::string script = WIT_SOURCE_DIR "/tests/webhook_receiver.py";
  const std::string schema = WIT_SOURCE_DIR "/schemas/webhooks/notice.schema.json";
  BackgroundProcess receiver(
      {"/usr/bin/python3", script, std::to_string(port), secret, received, "3", schema},
      dir + "/receiver.log");
  ASSERT_TRUE(receiver.Start() && receiver.WaitForPort(port));
  // 5 created, 1 rotated, 2 revoked (by hand, rotated), 1 leaked, 3 expiry warnings.
  const size_t kExpected = 12;
  ASSERT_TRUE(WaitFor([&] { return ReadReceived(received).size() >= kExpected; }))
      << ReadReceived(received).size() << " notices arrived; " << witd->log_path();
  EXPECT_TRUE(WaitFor([&] { return Metric(witd->port(), "wit_webhook_queued ") == 0; }));

  // A clean restart sends nothing again, and goes on with what happens next.
  ASSERT_EQ(witd->Stop(), 0);
  witd = std::make_unique<WitdProcess>(dir + "/data", args);
  ASSERT_TRUE(witd->Start()) << witd->log_path();
  Json after = create("{\"name\":\"after\"}");
  ASSERT_TRUE(WaitFor([&] { return ReadReceived(received).size() >= kExpected + 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // three more expiry scans
  ASSERT_EQ(witd->Stop(), 0);

  std::vector<Received> all = ReadReceived(received);
  ASSERT_EQ(all.size(), kExpected + 1);
  std::map<std::string, std::vector<std::string>> by_token;  // token id → events, in order
  std::set<std::string> deliveries;
  for (const Received& r : all) {
    EXPECT_TRUE(r.signature_valid) << r.event;
    EXPECT_TRUE(r.schema_errors.empty()) << r.event << ": " << r.schema_errors.front();
    EXPECT_TRUE(deliveries.insert(r.delivery).second) << "sent twice: " << r.delivery;
    EXPECT_EQ(r.body.Str("event"), r.event);
    EXPECT_EQ(r.body.Str("id"), r.delivery);
    Json token = r.body.Object("token");
    EXPECT_EQ(token.Str("userId"), "alice");
    std::string what = r.event;
    if (r.event == "token.expiring") what += ":" + std::to_string(r.body.Int("daysLeft"));
    if (r.event == "token.revoked" && !r.body.IsNull("reason")) what += ":" + r.body.Str("reason");
    by_token[token.Str("id")].push_back(what);
    if (r.event == "token.rotated") {
      EXPECT_EQ(r.body.Str("rotatedFrom"), ci.Str("id"));
    }
    if (r.event == "token.leaked") {
      EXPECT_EQ(r.body.Object("report").Str("url"), "https://github.com/acme/x/blob/1/.env");
      EXPECT_EQ(r.body.Str("revokedBy"), "github-secret-scanning");
    }
  }
  using Events = std::vector<std::string>;
  EXPECT_EQ(by_token[soon.Str("id")], (Events{"token.created", "token.expiring:1"}));
  EXPECT_EQ(by_token[week.Str("id")], (Events{"token.created", "token.expiring:7"}));
  EXPECT_EQ(by_token[month.Str("id")], (Events{"token.created", "token.expiring:30"}));
  EXPECT_EQ(by_token[gone.Str("id")], (Events{"token.created", "token.revoked"}));
  EXPECT_EQ(by_token[ci.Str("id")], (Events{"token.created", "token.revoked:rotated"}));
  EXPECT_EQ(by_token[ci2.Str("id")], (Events{"token.rotated", "token.leaked"}));
  EXPECT_EQ(by_token[after.Str("id")], (Events{"token.created"}));
  for (const std::string& t : {soon.Str("token"), ci2.Str("token"), std::string(64, 'a')}) {
    for (const Received& r : all) EXPECT_EQ(r.body.Str("id").find(t), std::string::npos);
    std::ifstream in(received);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text.find(t), std::string::npos) << "a notice carries a secret";
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wit::testing
