#include "ledger/embedded_log_follower.h"

#include <rocksdb/db.h>
#include <stdlib.h>

#include <filesystem>
#include <system_error>

#include "ledger/offset_key.h"

namespace wit {

StatusOr<std::unique_ptr<EmbeddedLogFollower>> EmbeddedLogFollower::Open(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(fs::path(dir) / "CURRENT", ec)) {
    return Status::NotFound(dir + " holds no event log (no RocksDB CURRENT file)");
  }
  // A secondary keeps its own info log; it lives in a private temporary directory.
  std::string pattern = (fs::temp_directory_path(ec) / "wit-audit-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Status::FailedPrecondition("cannot make a temporary directory for the log reader");
  }
  rocksdb::Options options;
  options.max_open_files = -1;  // required of a secondary instance
  options.create_if_missing = false;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenAsSecondary(options, dir, pattern, &raw);
  if (!s.ok()) {
    fs::remove_all(pattern, ec);
    return Status::FailedPrecondition("cannot read event log " + dir + ": " + s.ToString());
  }
  return std::unique_ptr<EmbeddedLogFollower>(
      new EmbeddedLogFollower(std::unique_ptr<rocksdb::DB>(raw), pattern));
}

EmbeddedLogFollower::EmbeddedLogFollower(std::unique_ptr<rocksdb::DB> db, std::string secondary_dir)
    : db_(std::move(db)), secondary_dir_(std::move(secondary_dir)) {}

EmbeddedLogFollower::~EmbeddedLogFollower() {
  db_->Close().PermitUncheckedError();
  db_.reset();
  std::error_code ec;
  std::filesystem::remove_all(secondary_dir_, ec);
}

Status EmbeddedLogFollower::CatchUp() {
  rocksdb::Status s = db_->TryCatchUpWithPrimary();
  if (!s.ok()) return Status::Unavailable("cannot catch up with the event log: " + s.ToString());
  return Status::OK();
}

StatusOr<uint64_t> EmbeddedLogFollower::EndOffset() {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  it->SeekToLast();
  if (!it->status().ok()) return Status::Unavailable("event log read failed: " + it->status().ToString());
  return it->Valid() ? KeyOffset(it->key().ToStringView()) + 1 : 0;
}

Status EmbeddedLogFollower::Scan(uint64_t from, uint64_t end, const ScanFn& fn) {
  if (end <= from) return Status::OK();
  std::string upper = OffsetKey(end);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  ro.readahead_size = 2 << 20;  // scans are sequential: read ahead in large steps
  ro.fill_cache = false;        // and touch most blocks once
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  for (it->Seek(OffsetKey(from)); it->Valid(); it->Next()) {
    if (!fn(KeyOffset(it->key().ToStringView()), it->value().ToStringView())) break;
  }
  if (!it->status().ok()) return Status::Unavailable("event log read failed: " + it->status().ToString());
  return Status::OK();
}

}  // namespace wit
