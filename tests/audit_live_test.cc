// wit-audit against a running witd (reading while it writes, --follow), and bad input to every
// flag.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/random.h"
#include "ledger/embedded_event_log.h"
#include "ledger/event_codec.h"
#include "tests/log_backend.h"
#include "tests/support/text.h"
#include "tests/test_json.h"
#include "tests/witd_process.h"

extern char** environ;

namespace wit::testing {
namespace {

// Create makes a token through witd and returns its JSON answer (empty unless 201).
Json Create(const WitdProcess& witd, const std::string& session, const std::string& name) {
  HttpResponse r = Http(witd.port(), "POST", "/api/tokens", "{\"name\":\"" + name + "\"}", session);
  return r.status == 201 ? Json::Parse(r.body) : Json();
}

bool VerifyActive(const WitdProcess& witd, const std::string& service, const std::string& token) {
  HttpResponse r = Http(witd.port(), "POST", "/api/tokens/verify",
                        "{\"token\":\"" + token + "\",\"scope\":\"repo:read\"}", service);
  return r.status == 200 && Json::Parse(r.body).Bool("active");
}

TEST(AuditLiveTest, ReadsTheEmbeddedLogWhileWitdWritesIt) {
  std::string dir = MakeTempDir("audit-live");
  WitdProcess witd(dir);
  ASSERT_TRUE(witd.Start());
  std::string alice = witd.UserSession("alice");
  std::string git = witd.ServiceSession("git");

  std::atomic<bool> stop{false};
  std::atomic<int> acknowledged{0};
  std::thread load([&] {
    for (int i = 0; !stop && i < 400; ++i) {
      Json t = Create(witd, alice, "live-" + std::to_string(i));
      if (!t.valid()) continue;
      ++acknowledged;
      if (VerifyActive(witd, git, t.Str("token"))) ++acknowledged;
    }
  });
  size_t seen = 0;
  for (int run = 0; run < 6; ++run) {
    CommandResult r = RunCommand(BinDir() + "/wit-audit replay --format jsonl --data-dir " + dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> lines = Lines(r.out);
    for (const std::string& line : lines) ASSERT_TRUE(Json::Parse(line).valid()) << line;
    EXPECT_GE(lines.size(), seen);  // a later read never sees less
    seen = lines.size();
  }
  stop = true;
  load.join();
  // Every acknowledged create and verify is in the log, and the server never noticed us.
  CommandResult all = RunCommand(BinDir() + "/wit-audit replay --format jsonl --data-dir " + dir);
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(Lines(all.out).size(), static_cast<size_t>(acknowledged.load()));
  EXPECT_GT(acknowledged.load(), 0);
  EXPECT_TRUE(Create(witd, alice, "after-audit").valid());
  EXPECT_EQ(Http(witd.port(), "GET", "/readyz").status, 200);
  EXPECT_EQ(witd.Stop(), 0);
  // witd starts again on the same data dir: the audit left no lock and nothing behind.
  WitdProcess again(dir);
  EXPECT_TRUE(again.Start());
  EXPECT_EQ(again.Stop(), 0);
  std::filesystem::remove_all(dir);
}

// Spawned is a child process with stdout and stderr in files.
class Spawned {
 public:
  Spawned(const std::vector<std::string>& argv, const std::string& out, const std::string& err) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Spawned() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  // Interrupt sends SIGINT and returns the exit status (-1 if it did not exit in 10 s).
  int Interrupt() {
    kill(pid_, SIGINT);
    for (int i = 0; i < 1000; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

  bool ok() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

class AuditFollowTest : public ::testing::TestWithParam<std::string> {};

TEST_P(AuditFollowTest, FollowPrintsNewEventsUntilInterrupted) {
  LogBackend backend(GetParam());
  std::string dir = MakeTempDir("audit-follow");
  WitdProcess witd(dir, backend.WitdArgs());
  ASSERT_TRUE(witd.Start());
  std::string alice = witd.UserSession("alice");
  Json first = Create(witd, alice, "before-follow");
  ASSERT_TRUE(first.valid());

  std::vector<std::string> argv = {
      BinDir() + "/wit-audit", "replay", "--follow", "--format", "jsonl", "--type", "created"};
  if (backend.is_kafka()) {
    std::istringstream flags(backend.AuditFlags());
    for (std::string flag; flags >> flag;) argv.push_back(flag);
  } else {
    argv.insert(argv.end(), {"--data-dir", dir});
  }
  Spawned follow(argv, dir + "/follow.out", dir + "/follow.err");
  ASSERT_TRUE(follow.ok());
  std::vector<std::string> ids = {first.Str("id")};
  for (int i = 0; i < 3; ++i) {
    Json t = Create(witd, alice, "during-follow-" + std::to_string(i));
    ASSERT_TRUE(t.valid());
    ids.push_back(t.Str("id"));
  }
  // The follower prints them within a bounded time.
  std::vector<std::string> lines;
  for (int i = 0; i < 200 && lines.size() < ids.size(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    lines = Lines(ReadFile(dir + "/follow.out"));
  }
  ASSERT_EQ(lines.size(), ids.size()) << ReadFile(dir + "/follow.err");
  std::vector<std::string> printed;
  for (const std::string& line : lines) printed.push_back(Json::Parse(line).Str("tokenId"));
  // Follow prints in arrival order. Kafka keys records by token id, so tokens on different
  // partitions have no order between them: there, each token is printed once, in any order.
  if (backend.is_kafka()) {
    std::sort(printed.begin(), printed.end());
    std::sort(ids.begin(), ids.end());
  }
  EXPECT_EQ(printed, ids);
  EXPECT_EQ(follow.Interrupt(), 0);
  EXPECT_EQ(witd.Stop(), 0);
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Logs, AuditFollowTest, ::testing::ValuesIn(kLogKinds),
                         [](const auto& info) { return info.param; });

// A small ledger on disk for the bad-input cases, with one record that is not an event.
class AuditBadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("audit-bad");
    auto log = EmbeddedEventLog::Open(dir_ + "/log");
    ASSERT_TRUE(log.ok());
    Event e;
    e.type = EventType::kCreated;
    e.event_id = NewUuid();
    e.occurred_at = NowMs();
    e.token_id = NewUuid();
    e.user_id = "alice";
    e.name = "ci";
    e.prefix = "abcdEFGH";
    e.token_hash = std::string(64, 'a');
    e.scopes = {"repo:read"};
    ASSERT_TRUE((*log)->Append(e).ok());
    ASSERT_TRUE((*log)->AppendPayload("{\"type\":\"token.created\",\"tokenId\":42}").ok());
    ASSERT_TRUE((*log)->Append(e).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  CommandResult Audit(const std::string& args, const std::string& input = "") {
    return RunCommand(BinDir() + "/wit-audit " + args, input);
  }

  std::string dir_;
};

TEST_F(AuditBadInputTest, RecordsThatAreNotEventsAreSkippedAndReported) {
  CommandResult r = Audit("replay --format jsonl --data-dir " + dir_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Lines(r.out).size(), 2u);
  EXPECT_NE(r.err.find("skipped 1 of 3 records that are not valid events (first: log/1:"),
            std::string::npos)
      << r.err;
}

TEST_F(AuditBadInputTest, EveryBadFlagGetsAClearErrorAndReadsNothing) {
  std::string d = "--data-dir " + dir_ + " ";
  struct Case {
    std::string args;
    std::string input;
    int exit_code;
    std::string message;
  };
  std::vector<Case> cases = {
      {"", "", 2, "subcommand"},
      {"audit", "", 2, "audit"},
      {"replay", "", 2, "no source: give --data-dir"},
      {"replay " + d + "--kafka-brokers 127.0.0.1:9092", "", 2, "not both"},
      {"replay --data-dir /nonexistent/wit", "", 1, "does not exist"},
      {"replay --data-dir /tmp", "", 1, "not a wit ledger data dir"},
      {"replay " + d + "--bogus", "", 2, "--bogus"},
      {"replay " + d + "--since yesterday", "", 2, "--since: \"yesterday\" is not a time"},
      {"replay " + d + "--until 2026-13-01", "", 2, "--until"},
      {"replay " + d + "--since 2026-11-02 --until 2026-11-01", "", 2, "--since is after --until"},
      {"replay " + d + "--since 7x", "", 2, "unknown unit"},
      {"replay " + d + "--type deleted", "", 2, "unknown event type \"deleted\""},
      {"replay " + d + "--format xml", "", 2, "unknown format \"xml\""},
      {"replay " + d + "--outcome maybe", "", 2, "--outcome"},
      {"replay " + d + "--token-id not-a-uuid", "", 2, "is not a UUID"},
      {"replay " + d + "--token-hash ABC", "", 2, "64 lowercase hex"},
      {"replay " + d + "--prefix short", "", 2, "8 base62"},
      {"replay " + d + "--token", "", 2, "no token on stdin"},
      {"replay " + d + "--token", "wit_notatoken_secretsecret\n", 2, "does not hold a wit token"},
      {"replay " + d + "--token --token-hash " + std::string(64, 'a'), "x", 2, "not both"},
      {"replay " + d + "--kafka-config a=b", "", 2, "need --kafka-brokers"},
      {"replay --kafka-brokers 127.0.0.1:9 --kafka-config nonsense", "", 2, "KEY=VALUE"},
      {"replay --kafka-brokers 127.0.0.1:9 --kafka-config no.such.setting=1", "", 2,
       "no.such.setting"},
      {"replay " + d + "--progress sometimes", "", 2, "--progress"},
      {"tokens " + d + "--as-of soon", "", 2, "--as-of"},
      {"tokens " + d + "--scope repo:delete", "", 2, "unknown scope \"repo:delete\""},
      {"tokens " + d + "--status gone", "", 2, "--status"},
      {"tokens " + d + "--format ocsf", "", 2, "use table, json or csv"},
      {"stats " + d + "--unused-since 90x", "", 2, "--unused-since"},
      {"stats " + d + "--expiring-within -1d", "", 2, "--expiring-within"},
      {"stats " + d + "--format csv", "", 2, "use table or json"},
      {"hash", "", 2, "no token on stdin"},
      {"hash", "wit_abcdefgh_" + std::string(38, '0') + "\n", 2, "checksum does not match"},
  };
  for (const Case& c : cases) {
    CommandResult r = Audit(c.args, c.input);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\nstderr: " << r.err;
    EXPECT_EQ(r.out, "") << c.args;
    // A plaintext given on stdin is never echoed, not even when it is refused.
    if (!c.input.empty() && c.input != "x") {
      EXPECT_EQ(r.err.find(c.input.substr(0, c.input.size() - 1)), std::string::npos) << c.args;
    }
  }
}

TEST_F(AuditBadInputTest, ALogThatIsNotARocksDbIsRefused) {
  std::string fake = MakeTempDir("audit-fake");
  std::filesystem::create_directories(fake + "/log");
  std::ofstream(fake + "/log/CURRENT") << "MANIFEST-000042\n";
  CommandResult r = Audit("replay --data-dir " + fake);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot read event log"), std::string::npos) << r.err;
  std::filesystem::remove_all(fake);
}

TEST_F(AuditBadInputTest, EveryCommandHasHelpWithExamples) {
  for (const char* command : {"replay", "tokens", "stats", "hash"}) {
    CommandResult r = Audit(std::string(command) + " --help");
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.out.find("Example"), std::string::npos) << command << "\n" << r.out;
  }
  CommandResult top = Audit("--help");
  EXPECT_EQ(top.exit_code, 0);
  for (const char* command : {"replay", "tokens", "stats", "hash"}) {
    EXPECT_NE(top.out.find(command), std::string::npos) << command;
  }
}

}  // namespace
}  // namespace wit::testing
