#include "tests/support/jwt.h"

#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Timestamp.h>

namespace wit::testing {

std::string SignSession(const std::string& key, const std::string& claim, const std::string& name,
                        int64_t iat_offset, int64_t exp_offset) {
  Poco::JWT::Token token;
  token.setType("JWT");
  token.payload().set(claim, name);
  Poco::Timestamp now;
  token.setIssuedAt(now + iat_offset * Poco::Timestamp::resolution());
  token.setExpiration(now + exp_offset * Poco::Timestamp::resolution());
  return Poco::JWT::Signer(key).sign(token, Poco::JWT::Signer::ALGO_HS256);
}

}  // namespace wit::testing
