#ifndef WIT_LEDGER_OFFSET_KEY_H_
#define WIT_LEDGER_OFFSET_KEY_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace wit {

// OffsetKey is the embedded log's key for the record at `offset`: 8 bytes big-endian, so
// RocksDB's byte order is log order.
inline std::string OffsetKey(uint64_t offset) {
  std::string key(8, '\0');
  for (int i = 7; i >= 0; --i) {
    key[i] = static_cast<char>(offset & 0xff);
    offset >>= 8;
  }
  return key;
}

// KeyOffset is OffsetKey's inverse.
inline uint64_t KeyOffset(std::string_view key) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < key.size(); ++i)
    v = (v << 8) | static_cast<unsigned char>(key[i]);
  return v;
}

}  // namespace wit

#endif  // WIT_LEDGER_OFFSET_KEY_H_
