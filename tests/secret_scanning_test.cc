// GitHub's secret scanning partner contract, end to end: a key pair the test makes, alerts
// signed by python-ecdsa (tests/github_alert.py, not our OpenSSL code) and POSTed to a real
// witd started with --github-scanning-keys, as GitHub would send them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "base/flat_json.h"
#include "ledger/event_codec.h"
#include "tests/support/text.h"
#include "tests/test_json.h"
#include "tests/witd_process.h"
#include "token/token.h"

namespace wit::testing {
namespace {

const std::string kPython = WIT_SOURCE_DIR "/scripts/venv/bin/python3";
const std::string kAlert = WIT_SOURCE_DIR "/tests/github_alert.py";

struct Answer {
  int status = 0;
  std::string body;
};

class SecretScanningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("secret-scanning");
    CommandResult keys =
        RunCommand(ShellQuote(kPython) + " " + ShellQuote(kAlert) + " keys " + ShellQuote(dir_));
    ASSERT_EQ(keys.exit_code, 0) << keys.err << " (scripts/install-deps.sh makes the venv)";
    std::vector<std::string> ids = Lines(keys.out);
    ASSERT_EQ(ids.size(), 2u) << keys.out;
    current_id_ = ids[0];
    old_id_ = ids[1];
    witd_ = std::make_unique<WitdProcess>(
        dir_ + "/data",
        std::vector<std::string>{"--github-scanning-keys", dir_ + "/public_keys.json"});
    ASSERT_TRUE(witd_->Start()) << witd_->log_path();
    alice_ = witd_->UserSession("alice");
    git_ = witd_->ServiceSession("git");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Json Create(const std::string& session) {
    HttpResponse r = Http(witd_->port(), "POST", "/api/tokens", "{\"name\":\"ci\"}", session);
    EXPECT_EQ(r.status, 201) << r.body;
    return Json::Parse(r.body);
  }
  bool Active(const std::string& token) {
    return Json::Parse(Http(witd_->port(), "POST", "/api/tokens/verify",
                            "{\"token\":\"" + token + "\"}", git_)
                           .body)
        .Bool("active");
  }
  // Send POSTs `body` as GitHub does, signed with the key file `key` under the name `id`.
  Answer Send(const std::string& body, const std::string& key, const std::string& id,
              bool tamper = false) {
    std::string file = dir_ + "/body.json";
    std::ofstream(file, std::ios::binary) << body;
    CommandResult r = RunCommand(ShellQuote(kPython) + " " + ShellQuote(kAlert) + " send " +
                                 ShellQuote(witd_->url() + "/api/secret-scanning/github") + " " +
                                 ShellQuote(key) + " " + ShellQuote(id) + " " + ShellQuote(file) +
                                 (tamper ? " --tamper" : ""));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    size_t nl = r.out.find('\n');
    if (nl == std::string::npos) return {};
    return {std::stoi(r.out.substr(0, nl)), r.out.substr(nl + 1)};
  }
  static std::string Report(const std::string& token, const std::string& url) {
    return "{\"token\":\"" + token + "\",\"type\":\"wit_personal_access_token\",\"url\":\"" + url +
           "\",\"source\":\"content\"}";
  }

  std::string dir_, current_id_, old_id_, alice_, git_;
  std::unique_ptr<WitdProcess> witd_;
};

TEST_F(SecretScanningTest, ASignedAlertRevokesTheActiveTokensItReportsAndLabelsEach) {
  Json leaked = Create(alice_), kept = Create(alice_), earlier = Create(alice_);
  ASSERT_EQ(Http(witd_->port(), "DELETE", "/api/tokens/" + earlier.Str("id"), "", alice_).status,
            200);
  std::string stranger = GenerateToken().plaintext;  // well-formed, of no ledger
  const std::string url = "https://github.com/acme/widgets/blob/abc123/.env";
  std::string body = "[" + Report(leaked.Str("token"), url) + "," +
                     Report(earlier.Str("token"), url) + "," + Report(stranger, url) + "," +
                     Report("not-a-wit-token", url) + "]";

  Answer a = Send(body, dir_ + "/current.pem", current_id_);
  ASSERT_EQ(a.status, 200) << a.body;
  StatusOr<FlatValue> feedback = ParseFlatArray(a.body);
  ASSERT_TRUE(feedback.ok()) << a.body;
  ASSERT_EQ(feedback->elements.size(), 4u) << a.body;
  std::vector<std::string> labels, hashes;
  for (const FlatValue& f : feedback->elements) {
    ASSERT_EQ(f.type, FlatValue::Type::kObject) << a.body;
    for (const char* key : {"label", "token_hash", "token_type"}) {
      ASSERT_NE(f.object->Find(key), nullptr) << key << " missing: " << a.body;
    }
    labels.push_back(f.object->Find("label")->string);
    hashes.push_back(f.object->Find("token_hash")->string);
    EXPECT_EQ(f.object->Find("token_type")->string, "wit_personal_access_token");
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"true_positive", "true_positive", "false_positive",
                                              "false_positive"}));
  EXPECT_EQ(hashes[0], HashToken(leaked.Str("token")));
  EXPECT_EQ(hashes[3], HashToken("not-a-wit-token"));
  for (const std::string& t : {leaked.Str("token"), stranger}) {
    EXPECT_EQ(a.body.find(t), std::string::npos) << "the answer names a token";
  }
  EXPECT_FALSE(Active(leaked.Str("token")));
  EXPECT_TRUE(Active(kept.Str("token"))) << "only what was reported";
  Json gone =
      Json::Parse(Http(witd_->port(), "GET", "/api/tokens/" + leaked.Str("id"), "", alice_).body);
  EXPECT_EQ(gone.Str("revokedReason"), "leaked");

  // An alert sent again (GitHub retries) changes nothing and labels the same; the old key,
  // which GitHub still signs with after a rotation, is as good as the current one.
  Answer again = Send(body, dir_ + "/old.pem", old_id_);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.body, a.body);

  ASSERT_EQ(witd_->Stop(), 0);
  // The revocation names the report; the token already revoked got no second event.
  int leaks = 0, revocations_of_earlier = 0;
  std::vector<std::string> records = ReadEmbeddedLog(dir_ + "/data");
  std::string jsonl = dir_ + "/events.jsonl";
  {
    std::ofstream out(jsonl);
    for (const std::string& record : records) out << record << "\n";
  }
  // The revocation with reportUrl and reportSource meets schemas/events (Python's jsonschema).
  CommandResult valid = RunCommand("/usr/bin/python3 " WIT_SOURCE_DIR "/tests/validate_events.py " +
                                   std::string(WIT_SOURCE_DIR) + "/schemas/events " + jsonl +
                                   " --require token.created,token.revoked");
  EXPECT_EQ(valid.exit_code, 0) << valid.out << valid.err;
  EXPECT_NE(valid.out.find("invalid: 0"), std::string::npos) << valid.out;
  for (const std::string& record : records) {
    StatusOr<Event> e = DecodeEvent(record);
    if (!e.ok() || e->type != EventType::kRevoked) continue;
    if (e->token_id == earlier.Str("id")) ++revocations_of_earlier;
    if (e->token_id != leaked.Str("id")) continue;
    ++leaks;
    EXPECT_EQ(e->reason, "leaked");
    EXPECT_EQ(e->revoked_by, "github-secret-scanning");
    EXPECT_EQ(e->report_url, url);
    EXPECT_EQ(e->report_source, "content");
  }
  EXPECT_EQ(leaks, 1);
  EXPECT_EQ(revocations_of_earlier, 1);
}

TEST_F(SecretScanningTest, AnAlertWithoutAGoodSignatureIsRefusedAndRevokesNothing) {
  Json t = Create(alice_);
  std::string body = "[" + Report(t.Str("token"), "https://github.com/acme/x") + "]";
  // The body changed after signing.
  EXPECT_EQ(Send(body, dir_ + "/current.pem", current_id_, /*tamper=*/true).status, 401);
  // Signed by one key, named as the other.
  EXPECT_EQ(Send(body, dir_ + "/old.pem", current_id_).status, 401);
  // A key GitHub never published.
  EXPECT_EQ(Send(body, dir_ + "/old.pem", "deadbeef").status, 401);
  // No signature at all.
  HttpResponse bare = Http(witd_->port(), "POST", "/api/secret-scanning/github", body);
  EXPECT_EQ(bare.status, 401) << bare.body;
  HttpResponse garbage = Http(witd_->port(), "POST", "/api/secret-scanning/github", body, "",
                              {{"Github-Public-Key-Identifier", current_id_},
                               {"Github-Public-Key-Signature", "not base64!"}});
  EXPECT_EQ(garbage.status, 401) << garbage.body;
  EXPECT_TRUE(Active(t.Str("token")));

  // Signed, but not an array of reports: 400, and still nothing revoked.
  Answer bad = Send("{\"token\":\"" + t.Str("token") + "\"}", dir_ + "/current.pem", current_id_);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_TRUE(Active(t.Str("token")));
  HttpResponse metrics = Http(witd_->port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("wit_secret_scanning_alerts_total{outcome=\"unverified\"} 5"),
            std::string::npos)
      << metrics.body;
  EXPECT_EQ(witd_->Stop(), 0);
}

}  // namespace
}  // namespace wit::testing
