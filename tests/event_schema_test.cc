// Every kind of event witd writes, checked against schemas/events/ by an independent validator
// (Python's jsonschema), and the projector's tolerance of records that break the schema.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ledger/embedded_event_log.h"
#include "tests/log_backend.h"
#include "tests/test_json.h"
#include "tests/witd_process.h"

namespace wit::testing {
namespace {

class EventSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir("schema"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

class EventSchemaOnLogsTest : public EventSchemaTest,
                              public ::testing::WithParamInterface<std::string> {
 protected:
  LogBackend backend_{GetParam()};
};

TEST_P(EventSchemaOnLogsTest, EveryEventWitdWritesMatchesItsSchema) {
  std::string data = dir_ + "/data";
  {
    WitdProcess witd(data, backend_.WitdArgs());
    ASSERT_TRUE(witd.Start());
    std::string alice = witd.UserSession("alice"), git = witd.ServiceSession("git");
    auto create = [&](const std::string& body) {
      return Json::Parse(Http(witd.port(), "POST", "/api/tokens", body, alice).body);
    };
    Json plain = create("{\"name\":\"plain\"}");
    Json scoped = create(
        "{\"name\":\"n\\u00e4me \\\"quoted\\\"\",\"scopes\":[\"user:write\","
        "\"repo:admin\"],\"expiresInDays\":7}");
    auto verify = [&](const std::string& body) {
      EXPECT_EQ(Http(witd.port(), "POST", "/api/tokens/verify", body, git).status, 200);
    };
    verify("{\"token\":\"" + plain.Str("token") + "\"}");  // allowed, no optional fields
    verify("{\"token\":\"" + scoped.Str("token") +
           "\",\"scope\":\"repo:write\",\"ip\":\"203.0.113.9\",\"userAgent\":\"git/2.39\","
           "\"action\":\"push\",\"resource\":\"acme/widgets\"}");
    verify("{\"token\":\"" + plain.Str("token") + "\",\"scope\":\"user:read\"}");  // denied
    ASSERT_EQ(Http(witd.port(), "DELETE", "/api/tokens/" + plain.Str("id"), "", alice).status, 200);
    verify("{\"token\":\"" + plain.Str("token") + "\"}");  // denied: revoked
    // Limits, a rotation (created with rotatedFrom, revoked with a reason) and a reuse.
    Json limited = create(
        "{\"name\":\"limited\",\"allowedIps\":[\"10.0.0.0/8\",\"2001:db8::/32\"],"
        "\"resources\":[\"acme/*\"]}");
    verify("{\"token\":\"" + limited.Str("token") + "\",\"ip\":\"192.0.2.1\"}");  // denied
    std::string rotate = "/api/tokens/" + limited.Str("id") + "/rotate";
    ASSERT_EQ(Http(witd.port(), "POST", rotate, "{}", alice).status, 200);
    ASSERT_EQ(Http(witd.port(), "POST", rotate, "", alice).status, 401);  // reuse
    ASSERT_EQ(witd.Stop(), 0);
  }
  std::vector<std::string> events = backend_.ReadAll(data);
  // 4 created, 5 used, 3 revoked (by hand, rotated, reuse_detected)
  ASSERT_EQ(events.size(), 12u);
  std::string jsonl = dir_ + "/events.jsonl";
  std::ofstream out(jsonl);
  for (const auto& e : events) out << e << "\n";
  out.close();

  CommandResult r = RunCommand("/usr/bin/python3 " WIT_SOURCE_DIR "/tests/validate_events.py " +
                               std::string(WIT_SOURCE_DIR) + "/schemas/events " + jsonl +
                               " --require token.created,token.revoked,token.used");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("invalid: 0"), std::string::npos) << r.out;
}

TEST_F(EventSchemaTest, ValidatorRejectsEventsThatBreakTheSchema) {
  std::string jsonl = dir_ + "/bad.jsonl";
  std::ofstream(jsonl) << "{\"schemaVersion\":1,\"type\":\"token.used\",\"eventId\":"
                          "\"6f1c2a3e-1111-4aaa-8bbb-123456789abc\",\"occurredAt\":"
                          "\"2026-11-27T22:17:00.000Z\",\"tokenId\":"
                          "\"6f1c2a3e-1111-4aaa-8bbb-123456789abc\",\"userId\":\"a\","
                          "\"outcome\":\"denied\"}\n";
  CommandResult r = RunCommand("/usr/bin/python3 " WIT_SOURCE_DIR "/tests/validate_events.py " +
                               std::string(WIT_SOURCE_DIR) + "/schemas/events " + jsonl);
  // Exit 1 with the verdict on the line: exit 3 (no jsonschema) or a traceback is no verdict.
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("line 1 (token.used): "), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("validated 1 events {'token.used': 1}; invalid: 1"), std::string::npos)
      << r.out << r.err;
}

TEST_F(EventSchemaTest, BadRecordsOnTheLogAreSkippedCountedAndNotFatal) {
  std::string data = dir_ + "/data";
  std::filesystem::create_directories(data);
  {
    auto log = EmbeddedEventLog::Open(data + "/log");
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->AppendPayload("{\"truncated\":").ok());
    ASSERT_TRUE((*log)
                    ->AppendPayload("{\"schemaVersion\":1,\"type\":\"token.teleported\","
                                    "\"eventId\":\"x\"}")
                    .ok());
    ASSERT_TRUE((*log)->AppendPayload(std::string("\xff\xfe\x00garbage", 10)).ok());
  }
  WitdProcess witd(data);
  ASSERT_TRUE(witd.Start()) << "bad records must not stop witd";
  std::string metrics = Http(witd.port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find("wit_events_skipped_total{reason=\"malformed\"} 3\n"), std::string::npos)
      << metrics;
  std::string alice = witd.UserSession("alice");
  EXPECT_EQ(Http(witd.port(), "POST", "/api/tokens", "{\"name\":\"after\"}", alice).status, 201);
  EXPECT_EQ(witd.Stop(), 0);
}

TEST_P(EventSchemaOnLogsTest, DeletedViewIsRebuiltFromTheLog) {
  std::string data = dir_ + "/data";
  std::string id, token;
  {
    WitdProcess witd(data, backend_.WitdArgs());
    ASSERT_TRUE(witd.Start());
    std::string alice = witd.UserSession("alice"), git = witd.ServiceSession("git");
    Json t =
        Json::Parse(Http(witd.port(), "POST", "/api/tokens", "{\"name\":\"keep\"}", alice).body);
    id = t.Str("id");
    token = t.Str("token");
    Http(witd.port(), "POST", "/api/tokens/verify", "{\"token\":\"" + token + "\"}", git);
    ASSERT_EQ(witd.Stop(), 0);
  }
  std::filesystem::remove_all(data + "/view");
  WitdProcess witd(data, backend_.WitdArgs());
  ASSERT_TRUE(witd.Start());
  std::string alice = witd.UserSession("alice");
  Json item = Json::Parse(Http(witd.port(), "GET", "/api/tokens/" + id, "", alice).body);
  EXPECT_EQ(item.Str("name"), "keep");
  EXPECT_FALSE(item.IsNull("lastUsedAt"));
  std::ifstream log(witd.log_path());
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("rebuilding"), std::string::npos);
  EXPECT_EQ(witd.Stop(), 0);
}

INSTANTIATE_TEST_SUITE_P(Logs, EventSchemaOnLogsTest, ::testing::ValuesIn(kLogKinds));

}  // namespace
}  // namespace wit::testing
