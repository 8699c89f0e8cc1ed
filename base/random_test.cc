#include "base/random.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <string>

namespace wit {
namespace {

TEST(RandomTest, NewUuidIsVersionFour) {
  std::string id = NewUuid();
  EXPECT_TRUE(IsUuid(id));
  EXPECT_EQ(id[14], '4');
  EXPECT_NE(NewUuid(), id);
}

TEST(RandomTest, TimeOrderedUuidCarriesTheTimeAndVersionSeven) {
  // 2100-01-01T00:00:00Z = 4102444800000 ms = 0x03bb_2cc3_d800: later than any time the other
  // tests pass, so the process-wide generator has not moved past it (also with
  // --gtest_repeat: the counter then grows, the time stays).
  std::string id = NewTimeOrderedUuid(4102444800000);
  EXPECT_TRUE(IsUuid(id));
  EXPECT_EQ(id.substr(0, 13), "03bb2cc3-d800");
  EXPECT_EQ(id[14], '7');
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << "RFC 9562 variant";
}

TEST(RandomTest, TimeOrderedUuidsOnlyGrowEvenInOneMillisecondOrWhenTheClockStepsBack) {
  std::string last = NewTimeOrderedUuid(1796083200000);
  for (int i = 0; i < 10000; ++i) {  // past the 4096 a millisecond's counter holds
    std::string next = NewTimeOrderedUuid(i == 5000 ? 1796083100000 : 1796083200000);
    ASSERT_LT(last, next) << "at " << i;
    last = next;
  }
}

TEST(RandomTest, IdsFromTheThreadsPoolNeverRepeatAcrossRefillsOrAFork) {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {  // 32 ids a refill: many refills
    ASSERT_TRUE(seen.insert(NewUuid()).second) << "at " << i;
  }
  // A child forked with part of the pool unused must not hand out the parent's next ids.
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::string ids = NewUuid() + NewUuid();
    _exit(write(pipe_fds[1], ids.data(), ids.size()) == static_cast<ssize_t>(ids.size()) ? 0 : 1);
  }
  close(pipe_fds[1]);
  std::string parents = NewUuid() + NewUuid();
  std::string childs(72, '\0');
  ASSERT_EQ(read(pipe_fds[0], childs.data(), childs.size()), 72);
  close(pipe_fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child could not write";
  EXPECT_NE(childs.substr(0, 36), parents.substr(0, 36));
  EXPECT_NE(childs.substr(36), parents.substr(36));
}

}  // namespace
}  // namespace wit
