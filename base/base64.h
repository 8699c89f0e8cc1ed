#ifndef WIT_BASE_BASE64_H_
#define WIT_BASE_BASE64_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace wit {

// Base64Encode / Base64Decode: RFC 4648 §4, the standard alphabet with "=" padding, as signed
// notes and Merkle proofs carry hashes. Decoding is strict: a missing or extra pad, another
// character, or bits past the data that are not zero are InvalidArgument, so every text
// decodes from exactly one encoding.
std::string Base64Encode(std::string_view bytes);
StatusOr<std::string> Base64Decode(std::string_view text);

// Base64UrlEncode / Base64UrlDecode: RFC 4648 §5 without padding, as JWTs use it. Decoding is
// as strict: padding, other characters or impossible lengths are InvalidArgument.
std::string Base64UrlEncode(std::string_view bytes);
StatusOr<std::string> Base64UrlDecode(std::string_view text);

}  // namespace wit

#endif  // WIT_BASE_BASE64_H_
