#ifndef WIT_BASE_RANDOM_H_
#define WIT_BASE_RANDOM_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace wit {

// RandomBytes fills `n` bytes from OpenSSL's CSPRNG (RAND_bytes). Aborts if the CSPRNG fails:
// there is no safe way to go on issuing credentials without randomness.
std::string RandomBytes(size_t n);

// NewUuid returns a random (version 4) UUID in lowercase 8-4-4-4-12 form.
std::string NewUuid();

// NewTimeOrderedUuid returns a version 7 UUID (RFC 9562): the top 48 bits are `now_ms`, the
// next 12 a counter, the rest random. Within one process the ids it returns only grow, also
// for calls in the same millisecond or with a clock that stepped back, so ordering by id is
// ordering by creation. Token ids use it: a listing sorted by createdAt breaks ties by id.
std::string NewTimeOrderedUuid(int64_t now_ms);

// IsUuid reports whether `s` is a UUID in 8-4-4-4-12 hex form (either case).
bool IsUuid(std::string_view s);

}  // namespace wit

#endif  // WIT_BASE_RANDOM_H_
