#ifndef WIT_LEDGER_EMBEDDED_LOG_FOLLOWER_H_
#define WIT_LEDGER_EMBEDDED_LOG_FOLLOWER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
}  // namespace rocksdb

namespace wit {

// EmbeddedLogFollower reads an embedded event log (see EmbeddedEventLog) without writing to
// it, also while witd holds it open: it opens the database as a RocksDB secondary instance,
// which takes no lock and never writes the primary's files. It sees the log as of Open or the
// last CatchUp. Not thread-safe.
//
//   auto log = EmbeddedLogFollower::Open("wit-data/log");
//   (*log)->Scan(0, (*log)->EndOffset(), [](uint64_t offset, std::string_view payload) {
//     return true;  // false stops the scan
//   });
class EmbeddedLogFollower {
 public:
  // ScanFn receives each record; returning false stops the scan.
  using ScanFn = std::function<bool(uint64_t offset, std::string_view payload)>;

  // Open opens the log in `dir`. NotFound if `dir` holds no RocksDB database;
  // FailedPrecondition with RocksDB's reason if it cannot be opened.
  static StatusOr<std::unique_ptr<EmbeddedLogFollower>> Open(const std::string& dir);

  ~EmbeddedLogFollower();
  EmbeddedLogFollower(const EmbeddedLogFollower&) = delete;
  EmbeddedLogFollower& operator=(const EmbeddedLogFollower&) = delete;

  // CatchUp makes records the writer has made durable since Open visible to this reader.
  Status CatchUp();

  // EndOffset is one past the last record visible now (0 for an empty log).
  StatusOr<uint64_t> EndOffset();

  // Scan calls `fn` for each record with an offset in [from, end), in order. The payload view
  // is valid only during the call.
  Status Scan(uint64_t from, uint64_t end, const ScanFn& fn);

  // IndexedEnd is the first offset the log's index (log_index.h) does not cover: 0 for a log
  // without one. Records below it are found by Lookup; those from it on only by Scan.
  StatusOr<uint64_t> IndexedEnd();

  // Lookup appends to *offsets, in order, the offsets of the records indexed under `term`.
  Status Lookup(const std::string& term, std::vector<uint64_t>* offsets);

  // Mac returns the MAC header witd stored with the record at `offset` ("" when it has none).
  StatusOr<std::string> Mac(uint64_t offset);

  // UnsignedBefore is the offset below which the log's records were written before witd signed
  // lifecycle events (EventLog::UnsignedBefore): every offset for a log no signing witd opened.
  StatusOr<uint64_t> UnsignedBefore();

  // Fetch calls `fn` for the record at each of `offsets` (ascending), skipping any that is gone.
  Status Fetch(const std::vector<uint64_t>& offsets, const ScanFn& fn);

 private:
  EmbeddedLogFollower(std::unique_ptr<rocksdb::DB> db,
                      std::vector<rocksdb::ColumnFamilyHandle*> handles,
                      rocksdb::ColumnFamilyHandle* index, std::string secondary_dir);

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // owned; destroyed before db_ closes
  rocksdb::ColumnFamilyHandle* index_;                 // one of handles_, or null
  rocksdb::ColumnFamilyHandle* macs_ = nullptr;        // one of handles_, or null
  std::string secondary_dir_;  // the secondary's own info-log directory, removed on close
};

}  // namespace wit

#endif  // WIT_LEDGER_EMBEDDED_LOG_FOLLOWER_H_
