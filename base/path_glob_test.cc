#include "base/path_glob.h"

#include <gtest/gtest.h>

#include <string>

namespace wit {
namespace {

TEST(PathGlobTest, StarsWithinAndAcrossSegments) {
  EXPECT_TRUE(PathGlobMatch("/api/**", "/api/v1/repos"));
  EXPECT_TRUE(PathGlobMatch("/api/**", "/api/"));
  EXPECT_FALSE(PathGlobMatch("/api/**", "/apix"));
  EXPECT_TRUE(PathGlobMatch("/*/info", "/alice/info"));
  EXPECT_FALSE(PathGlobMatch("/*/info", "/alice/repo/info"));
  EXPECT_TRUE(PathGlobMatch("/repos/*/issues", "/repos/a/issues"));
  EXPECT_TRUE(PathGlobMatch("/x/*.git", "/x/repo.git"));
  EXPECT_FALSE(PathGlobMatch("/x/*.git", "/x/repo.gitx"));
  EXPECT_TRUE(PathGlobMatch("**", ""));
  EXPECT_TRUE(PathGlobMatch("", ""));
  EXPECT_FALSE(PathGlobMatch("", "/"));
  EXPECT_TRUE(PathGlobMatch("/exact", "/exact"));
  EXPECT_FALSE(PathGlobMatch("/exact", "/exac"));
  EXPECT_TRUE(PathGlobMatch("**/git-upload-pack", "/a/b/c.git/git-upload-pack"));
}

TEST(PathGlobTest, ManyStarsStayFast) {
  std::string pattern;
  for (int i = 0; i < 200; ++i) pattern += "*a";
  EXPECT_FALSE(PathGlobMatch(pattern + "b", std::string(5000, 'a')));
}

}  // namespace
}  // namespace wit
