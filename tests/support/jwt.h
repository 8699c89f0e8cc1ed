// Sessions made by a signer that is not witd's: Poco's JWT, for tests of how witd checks them.
#ifndef WIT_TESTS_SUPPORT_JWT_H_
#define WIT_TESTS_SUPPORT_JWT_H_

#include <cstdint>
#include <string>

namespace wit::testing {

// SignSession returns an HS256 JWT under `key` with the claim `claim` ("sub" for a user, "svc"
// for a service) = `name`, issued `iat_offset` seconds from now and expiring `exp_offset`
// seconds from now (negative: in the past).
std::string SignSession(const std::string& key, const std::string& claim, const std::string& name,
                        int64_t iat_offset, int64_t exp_offset);

}  // namespace wit::testing

#endif  // WIT_TESTS_SUPPORT_JWT_H_
