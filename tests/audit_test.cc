// wit-audit against a generated history with known answers, on the embedded log and on Kafka.
// The expected answers are computed here from the generator's own record of each token, not
// with the projector's code.
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "ledger/embedded_event_log.h"
#include "ledger/event_codec.h"
#include "ledger/offset_key.h"
#include "tests/audit_history.h"
#include "tests/log_backend.h"
#include "tests/support/text.h"
#include "tests/test_json.h"
#include "tests/witd_process.h"
#include "token/token.h"

namespace wit::testing {
namespace {

std::vector<std::string> EventIds(const std::string& jsonl) {
  std::vector<std::string> ids;
  for (const std::string& line : Lines(jsonl)) ids.push_back(Json::Parse(line).Str("eventId"));
  return ids;
}

std::vector<std::string> EventIds(const std::vector<const Event*>& events) {
  std::vector<std::string> ids;
  for (const Event* e : events) ids.push_back(e->event_id);
  return ids;
}

// AuditLedger is a generated history written to one of the two logs.
class AuditLedger {
 public:
  explicit AuditLedger(const std::string& kind)
      : backend_(kind), dir_(MakeTempDir("audit")), history_(History::Generate(20261128)) {
    if (kind == "unindexed") {
      WriteWithoutIndex();
      return;
    }
    std::unique_ptr<EventLog> log;
    if (backend_.is_kafka()) {
      log = std::move(*backend_.OpenLog(dir_));
    } else {
      log = std::move(*EmbeddedEventLog::Open(dir_ + "/log"));
    }
    for (size_t i = 0; i < history_.events.size(); i += 1000) {
      size_t end = std::min(history_.events.size(), i + 1000);
      std::vector<Event> chunk(history_.events.begin() + static_cast<std::ptrdiff_t>(i),
                               history_.events.begin() + static_cast<std::ptrdiff_t>(end));
      Status s = log->AppendBatch(chunk, nullptr);
      EXPECT_TRUE(s.ok()) << s.message();
    }
  }
  ~AuditLedger() { std::filesystem::remove_all(dir_); }

  // Audit runs wit-audit COMMAND with this ledger as its source and `args`.
  CommandResult Audit(const std::string& command, const std::string& args,
                      const std::string& input = "") const {
    std::string source = backend_.is_kafka() ? backend_.AuditFlags() : "--data-dir " + dir_;
    return RunCommand(BinDir() + "/wit-audit " + command + " " + source + " " + args, input);
  }

  const History& history() const { return history_; }
  const std::string& dir() const { return dir_; }

 private:
  // WriteWithoutIndex writes the log as witd did before the log had an index: records only,
  // so wit-audit must find everything by scanning.
  void WriteWithoutIndex() {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir_ + "/log", &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::WriteBatch batch;
    for (size_t i = 0; i < history_.events.size(); ++i) {
      batch.Put(OffsetKey(i), EncodeEvent(history_.events[i]));
    }
    ASSERT_TRUE(db->Write(rocksdb::WriteOptions(), &batch).ok());
  }

  LogBackend backend_;
  std::string dir_;
  History history_;
};

class AuditTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { ledger_ = std::make_unique<AuditLedger>(GetParam()); }

  const History& history() const { return ledger_->history(); }

  // ARevokedTokenWithUses is a token with allowed uses before its revocation and uses after.
  const HistoryToken& ARevokedTokenWithUses() const {
    for (const HistoryToken& t : history().tokens) {
      if (!t.revoked || t.uses.size() < 4) continue;
      bool before = false, after = false;
      for (const Event* u : t.uses) {
        before |= u->occurred_at < *t.revoked && u->outcome == "allowed";
        after |= u->occurred_at >= *t.revoked;
      }
      if (before && after) return t;
    }
    ADD_FAILURE() << "the generated history has no revoked token used before and after";
    return history().tokens.front();
  }

  std::unique_ptr<AuditLedger> ledger_;
};

TEST_P(AuditTest, ReplayFiltersSelectExactlyTheExpectedEvents) {
  const HistoryToken& x = ARevokedTokenWithUses();
  const HistoryToken& y = history().tokens[7];
  TimeMs since = History::kStart + 100 * 86'400'000LL;
  TimeMs until = History::kStart + 160 * 86'400'000LL;
  struct Case {
    std::string flags;
    std::function<bool(const Event&)> keep;
    std::string input = "";
  };
  std::vector<Case> cases = {
      {"--token-id " + x.id, [&](const Event& e) { return e.token_id == x.id; }},
      {"--token-id " + x.id + "," + y.id,
       [&](const Event& e) { return e.token_id == x.id || e.token_id == y.id; }},
      {"--prefix " + x.prefix, [&](const Event& e) { return e.token_id == x.id; }},
      {"--token-hash " + x.hash + " --type used --outcome allowed",
       [&](const Event& e) { return e.token_id == x.id && e.outcome == "allowed"; }},
      {"--token --type revoked,used --outcome denied",
       [&](const Event& e) { return e.token_id == x.id && e.outcome == "denied"; },
       x.plaintext + "\n"},
      {"--user user1", [](const Event& e) { return e.user_id == "user1"; }},
      {"--type revoked", [](const Event& e) { return e.type == EventType::kRevoked; }},
      {"--type created,revoked", [](const Event& e) { return e.type != EventType::kUsed; }},
      {"--since " + FormatRfc3339(since) + " --until " + FormatRfc3339(until),
       [&](const Event& e) { return e.occurred_at >= since && e.occurred_at <= until; }},
      {"--outcome denied --user user2",
       [](const Event& e) { return e.outcome == "denied" && e.user_id == "user2"; }},
      {"--service ci --ip 10.0.1.3",
       [](const Event& e) { return e.service == "ci" && e.ip == "10.0.1.3"; }},
      {"--user user3 --type used --since " + FormatRfc3339(since),
       [&](const Event& e) {
         return e.user_id == "user3" && e.type == EventType::kUsed && e.occurred_at >= since;
       }},
      {"--user nobody", [](const Event&) { return false; }},
  };
  for (const Case& c : cases) {
    CommandResult r = ledger_->Audit("replay", c.flags + " --format jsonl", c.input);
    ASSERT_EQ(r.exit_code, 0) << c.flags << ": " << r.err;
    EXPECT_EQ(r.err, "") << c.flags;  // no progress line when stderr is not a terminal
    std::vector<std::string> expected = EventIds(history().Select(c.keep));
    EXPECT_EQ(EventIds(r.out), expected) << c.flags;
    if (c.flags.find("--user nobody") == std::string::npos) {
      EXPECT_FALSE(expected.empty()) << c.flags << " selects nothing: a weak case for " << x.id;
    }
  }
}

TEST_P(AuditTest, JsonlIsTheStoredEventsAndValidatesAgainstTheSchemas) {
  CommandResult r = ledger_->Audit("replay", "--format jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), history().events.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    ASSERT_EQ(lines[i], EncodeEvent(history().events[i])) << i;
  }
  std::string path = ledger_->dir() + "/replay.jsonl";
  std::ofstream(path) << r.out;
  CommandResult v = RunCommand("/usr/bin/python3 " WIT_SOURCE_DIR
                               "/tests/validate_events.py " WIT_SOURCE_DIR "/schemas/events " +
                               path + " --require token.created,token.revoked,token.used");
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST_P(AuditTest, CsvParsesBackWithPythonsCsvModule) {
  CommandResult r = ledger_->Audit("replay", "--type used,revoked --format csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string path = ledger_->dir() + "/replay.csv";
  std::ofstream(path) << r.out;
  // Python's csv module reads it back; each row is printed as one JSON object.
  CommandResult parsed = RunCommand(
      "/usr/bin/python3 -c 'import csv,json,sys\n"
      "for row in csv.DictReader(open(sys.argv[1], newline=\"\")): print(json.dumps(row))' " +
      path);
  ASSERT_EQ(parsed.exit_code, 0) << parsed.err;
  std::vector<const Event*> expected =
      history().Select([](const Event& e) { return e.type != EventType::kCreated; });
  std::vector<std::string> rows = Lines(parsed.out);
  ASSERT_EQ(rows.size(), expected.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    Json row = Json::Parse(rows[i]);
    const Event& e = *expected[i];
    ASSERT_EQ(row.Str("eventId"), e.event_id);
    EXPECT_EQ(row.Str("occurredAt"), FormatRfc3339(e.occurred_at));
    EXPECT_EQ(row.Str("type"), EventTypeName(e.type));
    EXPECT_EQ(row.Str("tokenId"), e.token_id);
    EXPECT_EQ(row.Str("outcome"), e.outcome);
    EXPECT_EQ(row.Str("reason"), e.reason.value_or(""));
    EXPECT_EQ(row.Str("ip"), e.ip.value_or(""));
    EXPECT_EQ(row.Str("revokedBy"), e.revoked_by);
  }
}

TEST_P(AuditTest, OcsfEventsCarryTheRequiredFields) {
  CommandResult r = ledger_->Audit("replay", "--format ocsf");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), history().events.size());
  std::map<int, int> classes;
  for (size_t i = 0; i < lines.size(); ++i) {
    Json o = Json::Parse(lines[i]);
    const Event& e = history().events[i];
    ASSERT_TRUE(o.valid()) << lines[i];
    int class_uid = static_cast<int>(o.Int("class_uid"));
    ++classes[class_uid];
    EXPECT_EQ(class_uid, e.type == EventType::kUsed ? 3002 : 6003);
    EXPECT_EQ(o.Int("category_uid"), class_uid / 1000);
    EXPECT_EQ(o.Int("type_uid"), int64_t{class_uid} * 100 + o.Int("activity_id"));
    EXPECT_EQ(o.Int("time"), e.occurred_at);
    EXPECT_GE(o.Int("severity_id"), 1);
    EXPECT_EQ(o.Object("metadata").Str("uid"), e.event_id);
    EXPECT_EQ(o.Object("metadata").Str("version"), "1.1.0");
    EXPECT_EQ(o.Object("metadata").Object("product").Str("name"), "wit token ledger");
    if (e.type == EventType::kUsed) {
      EXPECT_EQ(o.Int("activity_id"), 1);
      EXPECT_EQ(o.Object("user").Str("uid"), e.user_id);
      EXPECT_EQ(o.Int("status_id"), e.outcome == "allowed" ? 1 : 2);
      EXPECT_EQ(o.Str("status_detail"), e.reason.value_or(""));
      EXPECT_EQ(o.Object("src_endpoint").Str("ip"), e.ip.value_or(""));
    } else {
      EXPECT_EQ(o.Int("activity_id"), e.type == EventType::kCreated ? 1 : 4);
      EXPECT_TRUE(o.Has("actor") && o.Has("src_endpoint"));
      EXPECT_FALSE(o.Object("api").Str("operation").empty());
    }
  }
  EXPECT_GT(classes[3002], 0);
  EXPECT_GT(classes[6003], 0);
}

TEST_P(AuditTest, TableHasAHeaderAndOneLinePerEvent) {
  const HistoryToken& x = ARevokedTokenWithUses();
  CommandResult r = ledger_->Audit("replay", "--token-id " + x.id);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(),
            1 + history().Select([&](const Event& e) { return e.token_id == x.id; }).size());
  EXPECT_EQ(lines[0].substr(0, 4), "TIME");
  EXPECT_NE(lines[1].find("created"), std::string::npos);
  EXPECT_NE(r.out.find("revoked"), std::string::npos);
}

// CheckTokensAsOf compares `wit-audit tokens --as-of T --format json` with the model.
void CheckTokensAsOf(const AuditLedger& ledger, TimeMs t) {
  CommandResult r = ledger.Audit("tokens", "--as-of " + FormatRfc3339(t) + " --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json report = Json::Parse(r.out);
  ASSERT_TRUE(report.valid()) << r.out;
  std::map<std::string, Json> shown;
  for (const Json& token : report.Array("tokens")) shown[token.Str("id")] = token;
  size_t existing = 0;
  for (const HistoryToken& token : ledger.history().tokens) {
    std::string status = History::StatusAt(token, t);
    if (status.empty()) {
      EXPECT_EQ(shown.count(token.id), 0u) << token.id << " did not exist at " << FormatRfc3339(t);
      continue;
    }
    ++existing;
    ASSERT_EQ(shown.count(token.id), 1u) << token.id;
    const Json& s = shown[token.id];
    EXPECT_EQ(s.Str("status"), status) << token.id << " at " << FormatRfc3339(t);
    std::optional<TimeMs> last = History::LastUsedAt(token, t);
    EXPECT_EQ(s.Str("lastUsedAt"), last ? FormatRfc3339(*last) : "") << token.id;
    EXPECT_EQ(s.Str("revokedAt"), status == "revoked" ? FormatRfc3339(*token.revoked) : "");
    EXPECT_EQ(s.Strings("scopes"), token.scopes);
  }
  EXPECT_EQ(shown.size(), existing);
}

TEST_P(AuditTest, TokensAsOfMatchesTheModelAtSeveralInstants) {
  for (int day : {0, 30, 120, 250, 300}) {
    CheckTokensAsOf(*ledger_, History::kStart + day * 86'400'000LL);
  }
}

TEST_P(AuditTest, TokensAsOfTellsWhetherATokenWasValidAroundItsRevocation) {
  const HistoryToken& x = ARevokedTokenWithUses();
  auto status_at = [&](TimeMs t, const std::string& extra = "") {
    CommandResult r = ledger_->Audit(
        "tokens", "--token-id " + x.id + " --as-of " + FormatRfc3339(t) + " --format csv " + extra);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> lines = Lines(r.out);
    if (lines.size() < 2) return std::string("absent");
    return lines[1].substr(lines[1].rfind(',') + 1);
  };
  CheckTokensAsOf(*ledger_, *x.revoked);
  EXPECT_EQ(status_at(*x.revoked), "revoked");  // exactly at the revocation: revoked
  std::string before = History::StatusAt(x, *x.revoked - 1);
  EXPECT_EQ(status_at(*x.revoked - 1), before);
  EXPECT_EQ(status_at(x.created - 1), "absent");
  EXPECT_EQ(status_at(x.created), History::StatusAt(x, x.created));
  // "Was it valid with <scope> then?": --scope keeps it only if its scopes granted that one.
  std::string granted = x.scopes.front();
  EXPECT_EQ(status_at(*x.revoked - 1, "--scope " + granted), before);
  std::string other = granted.rfind("repo", 0) == 0 ? "user:write" : "repo:admin";
  EXPECT_EQ(status_at(*x.revoked - 1, "--scope " + other), "absent");
  EXPECT_EQ(status_at(*x.revoked - 1, "--status revoked"), "absent");
}

TEST_P(AuditTest, StatsMatchTheModel) {
  TimeMs now = History::kEnd;
  CommandResult r =
      ledger_->Audit("stats", "--as-of " + FormatRfc3339(now) +
                                  " --unused-since 60d --expiring-within 7d --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json report = Json::Parse(r.out);
  ASSERT_TRUE(report.valid()) << r.out;
  std::set<std::string> never, unused, unexpiring, expiring, over;
  std::map<std::string, int64_t> denied;
  int64_t active = 0, revoked = 0, expired = 0;
  for (const HistoryToken& t : history().tokens) {
    for (const Event* u : t.uses) {
      if (u->outcome == "denied") ++denied[*u->reason];
    }
    std::string status = History::StatusAt(t, now);
    revoked += status == "revoked";
    expired += status == "expired";
    if (status != "active") continue;
    ++active;
    std::optional<TimeMs> last = History::LastUsedAt(t, now);
    if (!last) never.insert(t.id);
    if (last.value_or(t.created) < now - 60 * 86'400'000LL) unused.insert(t.id);
    if (!t.expires) unexpiring.insert(t.id);
    if (t.expires && *t.expires <= now + 7 * 86'400'000LL) expiring.insert(t.id);
    // Over-privileged: it was used, every allowed use named a scope, and some scope it holds
    // is implied by none of the scopes those uses needed.
    auto implies = [](const std::string& n, const std::string& h) {
      return n == h || (h == "repo:read" && (n == "repo:write" || n == "repo:admin")) ||
             (h == "repo:write" && n == "repo:admin") || (h == "user:read" && n == "user:write");
    };
    std::set<std::string> needed;
    bool unscoped = false;
    for (const Event* u : t.uses) {
      if (u->outcome != "allowed") continue;
      if (u->scope) {
        needed.insert(*u->scope);
      } else {
        unscoped = true;
      }
    }
    bool excess = false;
    for (const std::string& h : t.scopes) {
      bool required = false;
      for (const std::string& n : needed) required |= implies(n, h);
      excess |= !required;
    }
    if (last && !unscoped && excess) over.insert(t.id);
  }
  auto ids = [](const std::vector<Json>& tokens) {
    std::set<std::string> out;
    for (const Json& t : tokens) out.insert(t.Str("id"));
    return out;
  };
  Json counts = report.Object("tokens");
  EXPECT_EQ(counts.Int("total"), static_cast<int64_t>(history().tokens.size()));
  EXPECT_EQ(counts.Int("active"), active);
  EXPECT_EQ(counts.Int("revoked"), revoked);
  EXPECT_EQ(counts.Int("expired"), expired);
  EXPECT_EQ(ids(report.Array("neverUsed")), never);
  EXPECT_EQ(ids(report.Object("unusedSince").Array("tokens")), unused);
  EXPECT_EQ(ids(report.Array("withoutExpiry")), unexpiring);
  EXPECT_EQ(ids(report.Object("expiringWithin").Array("tokens")), expiring);
  EXPECT_FALSE(never.empty());
  EXPECT_FALSE(expiring.empty());
  Json by_reason = report.Object("deniedByReason");
  for (const auto& [reason, n] : denied) EXPECT_EQ(by_reason.Int(reason), n) << reason;
  EXPECT_EQ(denied.size(), 3u);  // revoked, expired and insufficient_scope all occur
  std::set<std::string> flagged;
  for (const Json& u : report.Array("scopeUsage")) {
    if (u.Bool("overPrivileged")) flagged.insert(u.Str("id"));
  }
  EXPECT_EQ(flagged, over);
  EXPECT_FALSE(over.empty());

  CommandResult table = ledger_->Audit("stats", "--as-of " + FormatRfc3339(now));
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("Active tokens never used: " + std::to_string(never.size())),
            std::string::npos)
      << table.out;
}

TEST_P(AuditTest, HashPrintsTheTokenHashOfStdin) {
  const HistoryToken& x = history().tokens[3];
  CommandResult r = RunCommand(BinDir() + "/wit-audit hash", x.plaintext + "\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, x.hash + "\n");
  EXPECT_EQ(HashToken(x.plaintext), x.hash);
}

// "unindexed" is an embedded log written before the log had an index: the same answers must
// come from a full scan.
INSTANTIATE_TEST_SUITE_P(Logs, AuditTest,
                         ::testing::Values("embedded", "kafka", "real_kafka", "unindexed"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace wit::testing
