#ifndef WIT_LEDGER_OFFSET_KEY_H_
#define WIT_LEDGER_OFFSET_KEY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/coding.h"

namespace wit {

// OffsetKey is the embedded log's key for the record at `offset`: 8 bytes big-endian
// (base/coding.h), so RocksDB's byte order is log order.
inline std::string OffsetKey(uint64_t offset) { return EncodeFixed64(offset); }

// KeyOffset is OffsetKey's inverse; a key shorter than 8 bytes reads as 0.
inline uint64_t KeyOffset(std::string_view key) { return key.size() >= 8 ? DecodeFixed64(key) : 0; }

}  // namespace wit

#endif  // WIT_LEDGER_OFFSET_KEY_H_
