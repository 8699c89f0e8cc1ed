#include "api/hs256_jwt.h"

#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <gtest/gtest.h>

#include "base/base64.h"

namespace wit {
namespace {

const std::string kKey(32, 'k');

TEST(Hs256JwtTest, VerifiesWhatItSigns) {
  std::string jwt = SignHs256Jwt(kKey, R"({"sub":"alice","iat":1,"exp":2})");
  StatusOr<std::string> payload = VerifyHs256Jwt(kKey, jwt);
  ASSERT_TRUE(payload.ok()) << payload.status().message();
  EXPECT_EQ(*payload, R"({"sub":"alice","iat":1,"exp":2})");
}

TEST(Hs256JwtTest, VerifiesWhatPocoJwtSigns) {
  Poco::JWT::Token token;
  token.setType("JWT");
  token.setSubject("alice");
  std::string jwt = Poco::JWT::Signer(kKey).sign(token, Poco::JWT::Signer::ALGO_HS256);
  StatusOr<std::string> payload = VerifyHs256Jwt(kKey, jwt);
  ASSERT_TRUE(payload.ok()) << payload.status().message();
  EXPECT_NE(payload->find("\"sub\":\"alice\""), std::string::npos);
}

TEST(Hs256JwtTest, RefusesEveryTampering) {
  std::string jwt = SignHs256Jwt(kKey, R"({"sub":"alice","iat":1,"exp":2})");
  size_t dot1 = jwt.find('.'), dot2 = jwt.rfind('.');
  std::string other_payload = Base64UrlEncode(R"({"sub":"admin","iat":1,"exp":2})");
  std::vector<std::string> bad = {
      "",
      "a.b",
      jwt + ".x",
      jwt.substr(0, dot2),                                         // no signature part
      jwt.substr(0, dot2 + 1),                                     // empty signature
      jwt.substr(0, dot1 + 1) + other_payload + jwt.substr(dot2),  // payload swapped
      jwt.substr(0, jwt.size() - 2) + (jwt[jwt.size() - 2] == 'A' ? "B" : "A") + jwt.back(),
      SignHs256Jwt(std::string(32, 'x'), R"({"sub":"alice","iat":1,"exp":2})"),  // other key
      // {"alg":"none"} with the original payload and no signature
      Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + jwt.substr(dot1, dot2 - dot1) + ".",
      // {"alg":"HS512"} re-signed with the right key over the same input: still refused
      Base64UrlEncode(R"({"alg":"HS512"})") + jwt.substr(dot1),
  };
  for (const std::string& b : bad) {
    StatusOr<std::string> r = VerifyHs256Jwt(kKey, b);
    EXPECT_FALSE(r.ok()) << b;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Status::Code::kUnauthenticated) << b;
    }
  }
}

}  // namespace
}  // namespace wit
