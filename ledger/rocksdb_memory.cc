#include "ledger/rocksdb_memory.h"

#include <rocksdb/db.h>

namespace wit {

uint64_t RocksDbMemoryBytes(rocksdb::DB* db) {
  uint64_t total = 0;
  for (const char* property :
       {"rocksdb.size-all-mem-tables", "rocksdb.estimate-table-readers-mem"}) {
    uint64_t value = 0;
    if (db->GetAggregatedIntProperty(property, &value)) total += value;
  }
  // One block cache serves every column family: count it once.
  uint64_t cache = 0;
  if (db->GetIntProperty(rocksdb::DB::Properties::kBlockCacheUsage, &cache)) total += cache;
  return total;
}

}  // namespace wit
