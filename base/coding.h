#ifndef WIT_BASE_CODING_H_
#define WIT_BASE_CODING_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace wit {

// Fixed-width integers in keys and values, all big-endian: RocksDB compares keys bytewise, so a
// big-endian key sorts in numeric order, and one byte order for every value leaves nothing to
// remember. (Until 2026-12 the view's values were in host order; projector/token_view.cc and
// token_state.cc still read those, see their "legacy" decoders.)

// PutFixed32 / PutFixed64 append `v` as 4 / 8 big-endian bytes.
inline void PutFixed32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>((v >> shift) & 0xff));
}
inline void PutFixed64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>((v >> shift) & 0xff));
}

// EncodeFixed32 is PutFixed32 into a new 4-byte string.
inline std::string EncodeFixed32(uint32_t v) {
  std::string out;
  PutFixed32(&out, v);
  return out;
}

// EncodeFixed64 is PutFixed64 into a new 8-byte string.
inline std::string EncodeFixed64(uint64_t v) {
  std::string out;
  out.reserve(8);
  PutFixed64(&out, v);
  return out;
}

// DecodeFixed32 / DecodeFixed64 read what PutFixed32 / PutFixed64 wrote from the first 4 / 8
// bytes of `in`, which must hold at least that many.
inline uint32_t DecodeFixed32(std::string_view in) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}
inline uint64_t DecodeFixed64(std::string_view in) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

}  // namespace wit

#endif  // WIT_BASE_CODING_H_
