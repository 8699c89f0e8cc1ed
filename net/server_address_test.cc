#include "net/server_address.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

TEST(ParseServerUrlTest, HostPortAndPrefix) {
  StatusOr<ServerAddress> a = ParseServerUrl("http://127.0.0.1:8080");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  EXPECT_EQ(a->base_path, "");
  EXPECT_EQ(a->url, "http://127.0.0.1:8080");

  a = ParseServerUrl("http://wit.example.com/base/");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->host, "wit.example.com");
  EXPECT_EQ(a->port, 80);
  EXPECT_EQ(a->base_path, "/base");
}

TEST(ParseServerUrlTest, HttpsDefaultsToPort443) {
  StatusOr<ServerAddress> a = ParseServerUrl("https://wit.example.com");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->https);
  EXPECT_EQ(a->port, 443);
}

TEST(IsLoopbackTest, OnlyThisMachine) {
  for (const char* host : {"localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]"}) {
    EXPECT_TRUE(IsLoopback(host)) << host;
  }
  for (const char* host : {"wit.example.com", "10.0.0.1", "0.0.0.0", "128.0.0.1", "::2",
                           "localhost.example.com", ""}) {
    EXPECT_FALSE(IsLoopback(host)) << host;
  }
}

TEST(ParseServerUrlTest, RejectsWhatItCannotUse) {
  for (const char* url :
       {"", "127.0.0.1:8080", "http://", "https://", "ftp://x", "http://host:99999"}) {
    StatusOr<ServerAddress> a = ParseServerUrl(url);
    EXPECT_FALSE(a.ok()) << url;
    if (!a.ok()) {
      EXPECT_EQ(a.status().code(), Status::Code::kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace wit
