#ifndef WIT_LEDGER_RANDOM_H_
#define WIT_LEDGER_RANDOM_H_

#include <string>
#include <string_view>

namespace wit {

// RandomBytes fills `n` bytes from OpenSSL's CSPRNG (RAND_bytes). Aborts if the CSPRNG fails:
// there is no safe way to go on issuing credentials without randomness.
std::string RandomBytes(size_t n);

// NewUuid returns a random (version 4) UUID in lowercase 8-4-4-4-12 form.
std::string NewUuid();

// IsUuid reports whether `s` is a UUID in 8-4-4-4-12 hex form (either case).
bool IsUuid(std::string_view s);

}  // namespace wit

#endif  // WIT_LEDGER_RANDOM_H_
