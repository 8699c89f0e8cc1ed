#include "ledger/embedded_log_follower.h"

#include <rocksdb/db.h>
#include <stdlib.h>

#include <filesystem>
#include <system_error>

#include "ledger/log_index.h"
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
  // Scans read the files end to end: mapping them saves copying every block out of the page
  // cache.
  options.allow_mmap_reads = true;
  std::vector<std::string> names;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(options, dir, &names);
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& name : names)
    families.emplace_back(name, rocksdb::ColumnFamilyOptions(options));
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  if (s.ok()) s = rocksdb::DB::OpenAsSecondary(options, dir, pattern, families, &handles, &raw);
  if (!s.ok()) {
    fs::remove_all(pattern, ec);
    return Status::FailedPrecondition("cannot read event log " + dir + ": " + s.ToString());
  }
  rocksdb::ColumnFamilyHandle* index = nullptr;
  rocksdb::ColumnFamilyHandle* macs = nullptr;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == kLogIndexFamily) index = handles[i];
    if (names[i] == kLogMacFamily) macs = handles[i];
  }
  std::unique_ptr<EmbeddedLogFollower> follower(new EmbeddedLogFollower(
      std::unique_ptr<rocksdb::DB>(raw), std::move(handles), index, pattern));
  follower->macs_ = macs;
  return follower;
}

EmbeddedLogFollower::EmbeddedLogFollower(std::unique_ptr<rocksdb::DB> db,
                                         std::vector<rocksdb::ColumnFamilyHandle*> handles,
                                         rocksdb::ColumnFamilyHandle* index,
                                         std::string secondary_dir)
    : db_(std::move(db)),
      handles_(std::move(handles)),
      index_(index),
      secondary_dir_(std::move(secondary_dir)) {}

EmbeddedLogFollower::~EmbeddedLogFollower() {
  for (rocksdb::ColumnFamilyHandle* h : handles_)
    db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
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
  if (!it->status().ok())
    return Status::Unavailable("event log read failed: " + it->status().ToString());
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
  if (!it->status().ok())
    return Status::Unavailable("event log read failed: " + it->status().ToString());
  return Status::OK();
}

StatusOr<uint64_t> EmbeddedLogFollower::IndexedEnd() {
  if (!index_) return 0;
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), index_, kIndexedEndKey, &value);
  if (s.IsNotFound()) return 0;
  if (!s.ok()) return Status::Unavailable("event log index read failed: " + s.ToString());
  return KeyOffset(value);
}

Status EmbeddedLogFollower::Lookup(const std::string& term, std::vector<uint64_t>* offsets) {
  if (!index_) return Status::OK();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), index_));
  for (it->Seek(term); it->Valid(); it->Next()) {
    std::string_view key = it->key().ToStringView();
    if (key.size() != term.size() + 8 || key.substr(0, term.size()) != term) break;
    offsets->push_back(KeyOffset(key.substr(term.size())));
  }
  if (!it->status().ok())
    return Status::Unavailable("event log index read failed: " + it->status().ToString());
  return Status::OK();
}

StatusOr<std::string> EmbeddedLogFollower::Mac(uint64_t offset) {
  if (!macs_) return std::string();
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), macs_, OffsetKey(offset), &value);
  if (s.IsNotFound()) return std::string();
  if (!s.ok()) return Status::Unavailable("event log read failed: " + s.ToString());
  return value;
}

StatusOr<uint64_t> EmbeddedLogFollower::UnsignedBefore() {
  std::string value;
  rocksdb::Status s = index_ ? db_->Get(rocksdb::ReadOptions(), index_, kUnsignedBeforeKey, &value)
                             : rocksdb::Status::NotFound();
  if (s.IsNotFound()) return UINT64_MAX;
  if (!s.ok()) return Status::Unavailable("event log index read failed: " + s.ToString());
  return KeyOffset(value);
}

Status EmbeddedLogFollower::Fetch(const std::vector<uint64_t>& offsets, const ScanFn& fn) {
  std::string value;
  for (uint64_t offset : offsets) {
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), OffsetKey(offset), &value);
    if (s.IsNotFound()) continue;
    if (!s.ok()) return Status::Unavailable("event log read failed: " + s.ToString());
    if (!fn(offset, value)) break;
  }
  return Status::OK();
}

}  // namespace wit
