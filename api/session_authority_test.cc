#include "api/session_authority.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "api/hs256_jwt.h"
#include "base/random.h"
#include "base/time_util.h"

namespace wit {
namespace {

namespace fs = std::filesystem;

TEST(SessionAuthorityTest, KeyFileIsCreatedWithMode0600AndReused) {
  fs::path dir = fs::temp_directory_path() / ("wit-key-" + NewUuid());
  fs::create_directories(dir);
  std::string path = (dir / "session.key").string();
  auto key = LoadOrCreateSessionKey(path);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->size(), 32u);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(*LoadOrCreateSessionKey(path), *key);

  std::ofstream(dir / "short.key") << "too short";
  auto bad = LoadOrCreateSessionKey((dir / "short.key").string());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("at least 32"), std::string::npos);
  fs::remove_all(dir);
}

TEST(SessionAuthorityTest, IssuedSessionsAuthenticate) {
  SessionAuthority auth(std::string(32, 'k'));
  auto user = auth.Authenticate("Bearer " + auth.Issue({Principal::Kind::kUser, "alice"}, 60));
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  EXPECT_EQ(user->kind, Principal::Kind::kUser);
  EXPECT_EQ(user->name, "alice");
  auto svc = auth.Authenticate("Bearer " + auth.Issue({Principal::Kind::kService, "git"}, 60));
  ASSERT_TRUE(svc.ok());
  EXPECT_EQ(svc->kind, Principal::Kind::kService);
  EXPECT_EQ(svc->name, "git");
}

TEST(SessionAuthorityTest, RefusesWhatItShould) {
  SessionAuthority auth(std::string(32, 'k'));
  SessionAuthority other(std::string(32, 'o'));
  std::string good = auth.Issue({Principal::Kind::kUser, "alice"}, 60);
  std::string tampered = good;
  tampered[tampered.size() / 2] ^= 1;
  for (const std::string& header :
       {std::string(), std::string("Bearer"), std::string("Bearer "), "Basic " + good, good,
        "Bearer " + other.Issue({Principal::Kind::kUser, "alice"}, 60), "Bearer " + tampered,
        "Bearer " + auth.Issue({Principal::Kind::kUser, "alice"}, -3600),
        std::string("Bearer a.b.c"), std::string("Bearer ...."),
        std::string("Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.")}) {
    auto r = auth.Authenticate(header);
    EXPECT_FALSE(r.ok()) << header;
    EXPECT_EQ(r.status().code(), Status::Code::kUnauthenticated) << header;
  }
}

TEST(SessionAuthorityTest, RefusesASessionBeforeItsNotBefore) {
  std::string key(32, 'k');
  SessionAuthority auth(key);
  int64_t now = NowMs() / 1000;
  auto session = [&](const std::string& nbf) {
    std::string claims = "{\"sub\":\"alice\",\"iat\":" + std::to_string(now) +
                         ",\"exp\":" + std::to_string(now + 600) + ",\"nbf\":" + nbf + "}";
    return auth.Authenticate("Bearer " + SignHs256Jwt(key, claims));
  };
  EXPECT_TRUE(session(std::to_string(now - 60)).ok());
  EXPECT_TRUE(session(std::to_string(now + 10)).ok()) << "within the 30 s skew";
  auto early = session(std::to_string(now + 300));
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.status().code(), Status::Code::kUnauthenticated);
  EXPECT_NE(early.status().message().find("nbf"), std::string::npos) << early.status().message();
  EXPECT_FALSE(session("\"soon\"").ok()) << "an nbf that is not a NumericDate";
}

TEST(SessionAuthorityTest, RefusesANameThatCouldSplitAHeader) {
  std::string key(32, 'k');
  SessionAuthority auth(key);
  int64_t now = NowMs() / 1000;
  auto session = [&](const std::string& claim, const std::string& json_name) {
    std::string claims = "{\"" + claim + "\":\"" + json_name + "\",\"iat\":" + std::to_string(now) +
                         ",\"exp\":" + std::to_string(now + 600) + "}";
    return auth.Authenticate("Bearer " + SignHs256Jwt(key, claims));
  };
  EXPECT_TRUE(session("sub", "eve").ok());
  EXPECT_TRUE(session("sub", "\\u00e8ve").ok());  // JSON escapes, decoded by the parser
  for (const char* bad : {"eve\\r\\nX-Injected: 1", "eve\\u0000", "eve\\t", "\\u0085eve"}) {
    for (const char* claim : {"sub", "svc"}) {
      auto refused = session(claim, bad);
      ASSERT_FALSE(refused.ok()) << claim << " " << bad;
      EXPECT_EQ(refused.status().code(), Status::Code::kUnauthenticated);
    }
  }
  EXPECT_FALSE(session("sub", std::string(129, 'a')).ok());
  EXPECT_TRUE(session("sub", std::string(128, 'a')).ok());
}

TEST(SessionAuthorityTest, ToleratesSmallClockSkew) {
  SessionAuthority auth(std::string(32, 'k'));
  // Expired 10 s ago: within the 30 s tolerance.
  EXPECT_TRUE(auth.Authenticate("Bearer " + auth.Issue({Principal::Kind::kUser, "a"}, -10)).ok());
  EXPECT_FALSE(auth.Authenticate("Bearer " + auth.Issue({Principal::Kind::kUser, "a"}, -40)).ok());
}

}  // namespace
}  // namespace wit
