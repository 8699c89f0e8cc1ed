#ifndef WIT_LEDGER_ROCKSDB_MEMORY_H_
#define WIT_LEDGER_ROCKSDB_MEMORY_H_

#include <cstdint>

namespace rocksdb {
class DB;
}

namespace wit {

// RocksDbMemoryBytes returns the memory RocksDB holds for `db` in buffers it bounds itself:
// memtables (all column families, including flushed ones still pinned by a reader), the block
// cache and the table readers' index and filter blocks. /metrics reports it, so that a
// process's resident memory can be told apart from it.
uint64_t RocksDbMemoryBytes(rocksdb::DB* db);

}  // namespace wit

#endif  // WIT_LEDGER_ROCKSDB_MEMORY_H_
