// Full and broken disks: a data dir on a small tmpfs that fills up, one that cannot be written,
// one holding some other program's database, a damaged log and a damaged view. The tmpfs needs
// no privilege where user namespaces are allowed (Debian's default); where a case cannot mount
// one it is skipped, and ctest lists it as "Skipped" (tests/CMakeLists.txt).
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/eventually.h"
#include "tests/test_json.h"
#include "tests/witd_process.h"

namespace wit::testing {
namespace {

namespace fs = std::filesystem;

// EnterMountNamespace makes this process (and the witd it starts) the root of a user namespace
// of its own, with a mount namespace in which it may mount: how an unprivileged user mounts a
// tmpfs without CAP_SYS_ADMIN in the host. The process must have one thread. False, with the
// reason in *why, where the kernel allows no user namespace.
bool EnterMountNamespace(std::string* why) {
  uid_t uid = ::getuid();
  gid_t gid = ::getgid();
  if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
    *why = std::string("unshare(CLONE_NEWUSER | CLONE_NEWNS): ") + std::strerror(errno);
    return false;
  }
  auto write = [why](const std::string& file, const std::string& text) {
    std::ofstream out(file);
    out << text;
    out.close();
    if (!out) *why = "cannot write " + file;
    return static_cast<bool>(out);
  };
  return write("/proc/self/setgroups", "deny") &&
         write("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1") &&
         write("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1");
}

// Tmpfs mounts a small tmpfs at `dir` for the test's life: directly where the process may
// mount (root, CAP_SYS_ADMIN), else in a user and mount namespace of its own. Where neither
// works, mounted() is false and why() says what was tried.
class Tmpfs {
 public:
  Tmpfs(const std::string& dir, const std::string& options) : dir_(dir) {
    fs::create_directories(dir);
    mounted_ = Mount(options);
    if (mounted_ || errno != EPERM) {
      if (!mounted_) why_ = std::string("mount: ") + std::strerror(errno);
      return;
    }
    if (!EnterMountNamespace(&why_)) return;
    mounted_ = Mount(options);
    if (!mounted_) why_ = std::string("mount in a user namespace: ") + std::strerror(errno);
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& why() const { return why_; }

 private:
  bool Mount(const std::string& options) {
    return ::mount("tmpfs", dir_.c_str(), "tmpfs", 0, options.c_str()) == 0;
  }

  std::string dir_;
  bool mounted_ = false;
  std::string why_;
};

// RemoveOnExit removes a test's temp dir when the test ends, whatever it left mounted there.
struct RemoveOnExit {
  std::string dir;
  ~RemoveOnExit() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

// Start runs witd on `data_dir` and returns its stderr and "exit <status>".
std::string Start(const std::string& data_dir) {
  // A witd that refuses the data dir exits at once; one that wrongly starts is stopped after
  // 20 s by timeout(1), and "exit 124" shows it.
  CommandResult r = RunCommand("timeout 20 " + BinDir() + "/witd serve --listen 127.0.0.1:0 " +
                               "--data-dir " + data_dir + "; echo \"exit $?\" >&2");
  return r.err;
}

TEST(DiskTest, AFullDiskAnswers503KeepsReadsAndResumesWhenSpaceReturns) {
  std::string dir = MakeTempDir("fulldisk");
  RemoveOnExit cleanup{dir};  // declared first: runs after the tmpfs is unmounted
  Tmpfs tmpfs(dir + "/mnt", "size=96m");
  if (!tmpfs.mounted()) {
    GTEST_SKIP() << "cannot mount a tmpfs here (" << tmpfs.why() << "): full-disk test skipped";
  }
  std::string data = dir + "/mnt/data";
  std::vector<std::string> ids;
  {
    WitdProcess witd(data);
    ASSERT_TRUE(witd.Start());
    std::string alice = witd.UserSession("alice");
    for (int i = 0; i < 5; ++i) {
      HttpResponse r = Http(witd.port(), "POST", "/api/tokens", "{\"name\":\"before\"}", alice);
      ASSERT_EQ(r.status, 201);
      ids.push_back(Json::Parse(r.body).Str("id"));
    }
    // Fill the filesystem, as another program on the same disk would.
    RunCommand("dd if=/dev/zero of=" + dir + "/mnt/filler bs=1M 2>/dev/null");
    ASSERT_EQ(Http(witd.port(), "GET", "/healthz").status, 200) << "witd died when the disk filled";
    HttpResponse refused;
    for (int i = 0; i < 5000; ++i) {
      HttpResponse r = Http(witd.port(), "POST", "/api/tokens", "{\"name\":\"while-full\"}", alice);
      if (r.status == 201) {
        ids.push_back(Json::Parse(r.body).Str("id"));
        continue;
      }
      refused = r;
      break;
    }
    ASSERT_EQ(refused.status, 503) << refused.body;
    EXPECT_NE(refused.body.find("disk holding the event log is full"), std::string::npos)
        << refused.body;
    EXPECT_EQ(refused.retry_after, "1");
    // Reads keep working.
    HttpResponse list = Http(witd.port(), "GET", "/api/tokens", "", alice);
    EXPECT_EQ(list.status, 200);
    EXPECT_EQ(Json::Parse(list.body).Array("tokens").size(), ids.size());
    EXPECT_EQ(Http(witd.port(), "GET", "/healthz").status, 200);
    // Space returns: writes resume without a restart.
    fs::remove(dir + "/mnt/filler");
    EXPECT_TRUE(Eventually([&] {
      HttpResponse r = Http(witd.port(), "POST", "/api/tokens", "{\"name\":\"after\"}", alice);
      if (r.status == 201) ids.push_back(Json::Parse(r.body).Str("id"));
      return r.status == 201;
    })) << "writes did not resume once space returned";
    EXPECT_EQ(witd.Stop(), 0);
  }
  // Nothing is lost or damaged: a restart lists every acknowledged token, and every record in
  // the log is a valid event.
  WitdProcess again(data);
  ASSERT_TRUE(again.Start()) << "witd did not restart after the disk was full";
  HttpResponse list = Http(again.port(), "GET", "/api/tokens", "", again.UserSession("alice"));
  std::string body = list.body;
  for (const std::string& id : ids) EXPECT_NE(body.find(id), std::string::npos) << id;
  CommandResult audit =
      RunCommand(BinDir() + "/wit-audit replay --format jsonl --data-dir " + data);
  EXPECT_EQ(audit.exit_code, 0);
  EXPECT_EQ(audit.err, "") << "the log holds records that are not events";
  EXPECT_EQ(again.Stop(), 0);
}

TEST(DiskTest, ADataDirThatCannotBeCreatedStopsWitdWithTheReason) {
  std::string dir = MakeTempDir("nodir");
  std::ofstream(dir + "/file") << "x";
  std::string err = Start(dir + "/file/data");
  EXPECT_NE(err.find("cannot create data dir"), std::string::npos) << err;
  EXPECT_NE(err.find("exit 1\n"), std::string::npos) << "witd must exit 1 at once: " << err;
  fs::remove_all(dir);
}

TEST(DiskTest, AReadOnlyDataDirStopsWitdWithTheReason) {
  std::string dir = MakeTempDir("readonly");
  RemoveOnExit cleanup{dir};  // declared first: runs after the tmpfs is unmounted
  Tmpfs tmpfs(dir + "/ro", "size=1m,mode=0755");
  if (!tmpfs.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (" << tmpfs.why() << ")";
  ASSERT_EQ(::mount("tmpfs", (dir + "/ro").c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr), 0);
  std::string err = Start(dir + "/ro");
  EXPECT_NE(err.find("Read-only file system"), std::string::npos) << err;
  EXPECT_NE(err.find("exit 1\n"), std::string::npos) << "witd must exit 1 at once: " << err;
}

TEST(DiskTest, AnotherProgramsDatabaseStopsWitdWithTheReason) {
  std::string dir = MakeTempDir("foreign");
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir + "/log", &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "user:42", "{\"name\":\"not ours\"}").ok());
  }
  std::string err = Start(dir);
  EXPECT_NE(err.find("is not a wit event log"), std::string::npos) << err;
  EXPECT_NE(err.find("exit 1\n"), std::string::npos) << "witd must exit 1 at once: " << err;
  fs::remove_all(dir);
}

TEST(DiskTest, ADamagedLogStopsWitdAndADamagedViewIsRebuilt) {
  std::string dir = MakeTempDir("damaged");
  std::string id;
  {
    WitdProcess witd(dir);
    ASSERT_TRUE(witd.Start());
    HttpResponse r =
        Http(witd.port(), "POST", "/api/tokens", "{\"name\":\"kept\"}", witd.UserSession("alice"));
    ASSERT_EQ(r.status, 201);
    id = Json::Parse(r.body).Str("id");
    ASSERT_EQ(witd.Stop(), 0);
  }
  // The view is derived: damaged, it is set aside and rebuilt from the log.
  std::ofstream(dir + "/view/CURRENT", std::ios::trunc) << "garbage";
  {
    WitdProcess witd(dir);
    ASSERT_TRUE(witd.Start()) << "a damaged view stopped witd";
    HttpResponse r = Http(witd.port(), "GET", "/api/tokens/" + id, "", witd.UserSession("alice"));
    EXPECT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(witd.Stop(), 0);
    std::ifstream log(witd.log_path());
    std::stringstream text;
    text << log.rdbuf();
    EXPECT_NE(text.str().find("rebuilding the view"), std::string::npos) << text.str();
  }
  // The log is the truth: damaged, witd refuses to start and says so.
  std::ofstream(dir + "/log/CURRENT", std::ios::trunc) << "garbage";
  std::string err = Start(dir);
  EXPECT_NE(err.find("cannot open event log"), std::string::npos) << err;
  EXPECT_NE(err.find("exit 1\n"), std::string::npos) << "witd must exit 1 at once: " << err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace wit::testing
