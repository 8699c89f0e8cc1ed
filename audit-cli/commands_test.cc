// The replay, tokens and stats commands below the command line: a real embedded log in a temp
// dir, signed with an event key as witd signs it, read through OpenAuditSource.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "audit-cli/audit_io.h"
#include "audit-cli/audit_source.h"
#include "audit-cli/history_commands.h"
#include "audit-cli/replay_command.h"
#include "base/flat_json.h"
#include "base/random.h"
#include "ledger/embedded_event_log.h"
#include "ledger/event_auth.h"
#include "tests/support/events.h"
#include "token/token.h"

namespace wit {
namespace {

namespace fs = std::filesystem;

constexpr TimeMs kT0 = 1795817820000;  // 2026-11-27T22:17:00Z

class CommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wit-audit-commands-" + NewUuid());
    fs::create_directories(dir_);
    std::string key(32, 'k');
    std::ofstream(dir_ / "event.key", std::ios::binary) << key;
    auto log = EmbeddedEventLog::Open((dir_ / "log").string(),
                                      std::make_shared<const EventAuthenticator>(key));
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    alice_ = Created("alice", "laptop", kT0);
    bob_ = Created("bob", "ci", kT0 + 1000);
    for (const Event& e : {alice_, bob_, Used(alice_, kT0 + 2000), Revoked(alice_, kT0 + 3000)}) {
      ASSERT_TRUE((*log)->Append(e).ok());
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  static Event Created(const std::string& user, const std::string& name, TimeMs at) {
    return testing::CreatedEvent(user, name, at);
  }
  static Event Used(Event e, TimeMs at) { return testing::UsedEvent(std::move(e), at); }
  static Event Revoked(Event e, TimeMs at) { return testing::RevokedEvent(std::move(e), at); }

  std::unique_ptr<AuditSource> Source() {
    SourceOptions o;
    o.data_dir = dir_.string();
    auto source = OpenAuditSource(o);
    EXPECT_TRUE(source.ok()) << source.status().ToString();
    return source.ok() ? std::move(*source) : nullptr;
  }

  // Run gives a command a fresh source and io; it returns stdout, stderr in `*err`.
  template <typename F>
  std::string Run(F command, std::string* err = nullptr) {
    std::unique_ptr<AuditSource> source = Source();
    if (!source) return "";
    std::istringstream in;
    std::ostringstream out, errors;
    AuditIo io{in, out, errors};
    io.now = kT0 + 10'000;
    Status s = command(*source, io);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (err) *err = errors.str();
    return out.str();
  }

  fs::path dir_;
  Event alice_, bob_;
};

std::vector<FlatObject> JsonLines(const std::string& text) {
  std::vector<FlatObject> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    StatusOr<FlatObject> o = ParseFlatObject(line);
    EXPECT_TRUE(o.ok()) << line;
    if (o.ok()) out.push_back(std::move(*o));
  }
  return out;
}

TEST_F(CommandsTest, ReplayPrintsTheSelectedEventsAsStored) {
  std::string err;
  std::string out = Run(
      [&](AuditSource& source, AuditIo& io) {
        ReplayOptions o;
        o.format = EventFormat::kJsonl;
        o.filter.user = "alice";
        return RunReplay(source, o, io);
      },
      &err);
  std::vector<FlatObject> lines = JsonLines(out);
  ASSERT_EQ(lines.size(), 3u) << out;
  EXPECT_EQ(lines[0].Find("type")->string, "token.created");
  EXPECT_EQ(lines[1].Find("type")->string, "token.used");
  EXPECT_EQ(lines[2].Find("type")->string, "token.revoked");
  EXPECT_EQ(err.find("without checking their MAC"), std::string::npos) << "signed: " << err;
  EXPECT_EQ(err.find("skipped"), std::string::npos) << err;
}

TEST_F(CommandsTest, ReplayOfOneTokenShowsItsWholeRotationFamily) {
  // alice's laptop token rotated twice: laptop → second → third; bob's ci is another family.
  Event second = Created("alice", "laptop", kT0 + 4000);
  second.rotated_from = alice_.token_id;
  second.family_id = alice_.token_id;
  Event third = Created("alice", "laptop", kT0 + 6000);
  third.rotated_from = second.token_id;
  third.family_id = alice_.token_id;
  Event rotated = Revoked(second, kT0 + 6001);
  rotated.reason = "rotated";
  {
    auto log = EmbeddedEventLog::Open(
        (dir_ / "log").string(), std::make_shared<const EventAuthenticator>(std::string(32, 'k')));
    ASSERT_TRUE(log.ok());
    for (const Event& e : {second, third, rotated, Used(bob_, kT0 + 7000)}) {
      ASSERT_TRUE((*log)->Append(e).ok());
    }
  }
  // Asked about any member, --family shows all three tokens' events, and none of bob's.
  for (const Event* member : {&alice_, &second, &third}) {
    std::string out = Run([&](AuditSource& source, AuditIo& io) {
      ReplayOptions o;
      o.format = EventFormat::kJsonl;
      o.filter.token_ids = {member->token_id};
      o.family = true;
      return RunReplay(source, o, io);
    });
    std::vector<FlatObject> lines = JsonLines(out);
    ASSERT_EQ(lines.size(), 6u) << out;  // 3 created, a use, 2 revoked
    for (const FlatObject& line : lines) {
      EXPECT_NE(line.Find("tokenId")->string, bob_.token_id) << out;
    }
    EXPECT_NE(out.find("\"reason\":\"rotated\""), std::string::npos) << out;
  }
  // Without it, only the token asked about.
  std::string one = Run([&](AuditSource& source, AuditIo& io) {
    ReplayOptions o;
    o.format = EventFormat::kJsonl;
    o.filter.token_ids = {third.token_id};
    return RunReplay(source, o, io);
  });
  EXPECT_EQ(JsonLines(one).size(), 1u) << one;
}

TEST_F(CommandsTest, TokensFoldsTheHistoryAsOfAMoment) {
  auto tokens = [&](TimeMs as_of) {
    return JsonLines(Run([&](AuditSource& source, AuditIo& io) {
      TokensOptions o;
      o.as_of = as_of;
      o.format = ReportFormat::kJson;
      return RunTokens(source, o, io);
    }));
  };
  std::vector<FlatObject> before_revoke = tokens(kT0 + 2500);
  ASSERT_EQ(before_revoke.size(), 1u);
  const FlatValue* list = before_revoke[0].Find("tokens");
  ASSERT_TRUE(list && list->type == FlatValue::Type::kArray);
  ASSERT_EQ(list->elements.size(), 2u);
  std::map<std::string, std::string> status;
  for (const FlatValue& t : list->elements) {
    status[t.object->Find("userId")->string] = t.object->Find("status")->string;
  }
  EXPECT_EQ(status["alice"], "active");
  EXPECT_EQ(status["bob"], "active");

  std::vector<FlatObject> now = tokens(kT0 + 10'000);
  ASSERT_EQ(now.size(), 1u);
  ASSERT_EQ(now[0].Find("tokens")->elements.size(), 2u);
  bool seen_alice = false;
  for (const FlatValue& t : now[0].Find("tokens")->elements) {
    const FlatObject& o = *t.object;
    if (o.Find("userId")->string != "alice") continue;
    seen_alice = true;
    EXPECT_EQ(o.Find("status")->string, "revoked");
    EXPECT_EQ(o.Find("revokedBy")->string, "alice");
    EXPECT_EQ(o.Find("lastUsedAt")->string, "2026-11-27T22:17:02.000Z");
    EXPECT_EQ(o.Find("tokenHash")->string, alice_.token_hash);
  }
  EXPECT_TRUE(seen_alice);
}

TEST_F(CommandsTest, StatsCountsTheActiveTokensNeverUsed) {
  std::string out = Run([&](AuditSource& source, AuditIo& io) {
    StatsOptions o;
    o.as_of = kT0 + 10'000;
    o.format = ReportFormat::kJson;
    return RunStats(source, o, io);
  });
  StatusOr<FlatObject> report = ParseFlatObject(out);
  ASSERT_TRUE(report.ok()) << out;
  EXPECT_NE(out.find(bob_.token_id), std::string::npos) << "bob's token was never used: " << out;
  EXPECT_EQ(out.find(alice_.token_id), std::string::npos) << "alice's is revoked: " << out;
}

}  // namespace
}  // namespace wit
