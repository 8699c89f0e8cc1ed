#include "base/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/random.h"

namespace wit {
namespace {

constexpr size_t kKeyBytes = 32;

// WriteNewKey creates `path` holding a fresh key: written and synced under a temporary name,
// then linked into place. If another process linked its key first, that one is kept.
Status WriteNewKey(const std::string& path, const std::string& what) {
  std::string temp = path + ".tmp-" + NewUuid();
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::FailedPrecondition("cannot create " + what + " " + path + ": " +
                                      std::strerror(errno));
  }
  std::string key = RandomBytes(kKeyBytes);
  bool ok =
      ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  ::close(fd);
  int linked = ok ? ::link(temp.c_str(), path.c_str()) : -1;
  int link_errno = errno;
  ::unlink(temp.c_str());
  if (!ok) return Status::FailedPrecondition("cannot write " + what + " " + path);
  if (linked != 0 && link_errno != EEXIST) {
    return Status::FailedPrecondition("cannot create " + what + " " + path + ": " +
                                      std::strerror(link_errno));
  }
  return Status::OK();
}

}  // namespace

StatusOr<std::string> LoadOrCreateSecret(const std::string& path, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    Status s = WriteNewKey(path, what);
    if (!s.ok()) return s;
  }
  return ReadSecret(path, what);
}

StatusOr<std::string> ReadSecret(const std::string& path, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Status::NotFound("no " + what + " at " + path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::FailedPrecondition("cannot read " + what + " " + path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::string key = bytes.str();
  if (key.size() < kKeyBytes) {
    return Status::FailedPrecondition(what + " " + path + " holds " + std::to_string(key.size()) +
                                      " bytes; it needs at least 32");
  }
  return key;
}

Status CreatePrivateDir(const std::string& dir, bool* readable_by_others) {
  namespace fs = std::filesystem;
  *readable_by_others = false;
  std::error_code ec;
  fs::path path = fs::path(dir).lexically_normal();
  if (!path.has_filename() && path.has_parent_path()) path = path.parent_path();  // "data/"
  if (!fs::exists(path, ec)) {
    if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
      return Status::FailedPrecondition("cannot create data dir " + dir + ": " +
                                        std::strerror(errno));
    }
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::FailedPrecondition("cannot create data dir " + dir + ": not a directory");
  }
  *readable_by_others = (st.st_mode & 0077) != 0;
  return Status::OK();
}

}  // namespace wit
