#include "ledger/embedded_event_log.h"

#include <rocksdb/db.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <stdlib.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>
#include <thread>

#include "base/logging.h"
#include "ledger/event_codec.h"
#include "ledger/log_index.h"
#include "ledger/offset_key.h"
#include "ledger/rocksdb_memory.h"

namespace wit {
namespace {

// A group commit takes further writers only while it holds fewer records than this, so one
// leader does not hold its followers' answers back behind an unbounded batch.
constexpr size_t kMaxGroup = 1024;

}  // namespace

// A writer waiting in the queue. It sleeps on its own mutex, not the log's, so waking a whole
// group does not make every woken writer queue again for the log's mutex.
struct EmbeddedEventLog::PendingWrite {
  std::vector<std::string> payloads;
  std::vector<std::vector<std::string>> terms;  // index terms of each payload
  std::vector<std::string> macs;                // empty, or one MAC (maybe "") per payload
  uint64_t offset = 0;
  Status status;

  std::mutex mu;
  std::condition_variable cv;
  bool done = false;  // under mu: status and offset are final
  bool lead = false;  // under mu: this writer is now at the head and writes the next group

  // Wake sets `done` or `lead` and signals. The owner may destroy *this as soon as mu is
  // released, so nothing touches it after.
  void Wake(bool finished) {
    std::lock_guard<std::mutex> lock(mu);
    (finished ? done : lead) = true;
    cv.notify_one();
  }
};

class EmbeddedEventLog::Reader : public LogReader {
 public:
  Reader(EmbeddedEventLog* log, uint64_t next) : log_(log), next_(next) {}

  Status Read(size_t max, std::chrono::milliseconds wait, std::vector<LogRecord>* out) override {
    return ReadEach(max, wait, [out](const LogRecordView& r) {
      out->push_back({std::string(r.stream), r.offset, std::string(r.payload), std::string(r.mac)});
      return true;
    });
  }

  Status ReadEach(size_t max, std::chrono::milliseconds wait,
                  const std::function<bool(const LogRecordView&)>& fn) override {
    uint64_t end = 0;
    Status s = log_->ReadFrom(next_, max, wait, &end, [&](const LogRecordView& r) {
      next_ = r.offset + 1;
      return fn(r);
    });
    end_ = end;
    return s;
  }

  // The durable end the last read saw: no lock is taken.
  LogPositions KnownEnd() override {
    if (!end_) return {};
    return {{kStream, *end_}};
  }

 private:
  EmbeddedEventLog* log_;
  uint64_t next_;
  std::optional<uint64_t> end_;  // unknown until the first read
};

namespace {

// IndexOldRecords indexes the records in [from, end) that were written before the log had an
// index, in batches, each also moving kIndexedEndKey on.
rocksdb::Status IndexOldRecords(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* index, uint64_t from,
                                uint64_t end) {
  LogInfo("event log: indexing " + std::to_string(end - from) +
          " records written before the log had an index");
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  rocksdb::WriteBatch batch;
  uint64_t offset = from;
  for (it->Seek(OffsetKey(from)); it->Valid() && offset < end; it->Next()) {
    offset = KeyOffset(it->key().ToStringView());
    for (const std::string& term : IndexTermsOfPayload(it->value().ToStringView())) {
      batch.Put(index, term + OffsetKey(offset), "");
    }
    if (batch.Count() >= 10'000) {
      batch.Put(index, kIndexedEndKey, OffsetKey(offset + 1));
      if (rocksdb::Status s = db->Write(rocksdb::WriteOptions(), &batch); !s.ok()) return s;
      batch.Clear();
    }
  }
  if (!it->status().ok()) return it->status();
  batch.Put(index, kIndexedEndKey, OffsetKey(end));
  rocksdb::WriteOptions sync;
  sync.sync = true;
  return db->Write(sync, &batch);
}

// UnsignedBeforeOf returns the offset below which the log's records were written without MACs.
// A log opened with a signer for the first time records its end as that offset, synced, before
// anything is appended; one never opened so (read-only, or a witd before signing) has every
// record below its end.
StatusOr<uint64_t> UnsignedBeforeOf(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* index,
                                    uint64_t end, bool signing) {
  std::string mark;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), index, kUnsignedBeforeKey, &mark);
  if (s.ok()) return KeyOffset(mark);
  if (!s.IsNotFound()) return Status::Unavailable(s.ToString());
  if (!signing) return end;
  rocksdb::WriteOptions sync;
  sync.sync = true;
  s = db->Put(sync, index, kUnsignedBeforeKey, OffsetKey(end));
  if (!s.ok()) return Status::Unavailable(s.ToString());
  if (end > 0) {
    LogInfo("event log: the " + std::to_string(end) +
            " records written before lifecycle events were signed stay accepted without a MAC");
  }
  return end;
}

}  // namespace

void EmbeddedEventLog::HandleDeleter::operator()(rocksdb::ColumnFamilyHandle* handle) const {
  db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
}

namespace {

// LogFamilies are the log's column families with their options: the records (default), the
// index and the MACs.
std::vector<rocksdb::ColumnFamilyDescriptor> LogFamilies(const rocksdb::Options& options) {
  // The log is read front to back (the projector, wit-audit's scans): large blocks make that
  // cheaper per record than RocksDB's 4 KiB default.
  rocksdb::BlockBasedTableOptions table;
  table.block_size = 64 << 10;
  rocksdb::ColumnFamilyOptions log_family(options);
  log_family.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return {{rocksdb::kDefaultColumnFamilyName, log_family},
          {kLogIndexFamily, rocksdb::ColumnFamilyOptions(options)},
          {kLogMacFamily, rocksdb::ColumnFamilyOptions(options)}};
}

// OpenError says why RocksDB would not open the log at `dir`.
Status OpenError(const std::string& dir, const rocksdb::Status& s) {
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    return Status::Unavailable("event log " + dir +
                               " is in use by another process: " + s.ToString());
  }
  std::string hint = s.IsCorruption() ? " (the log is damaged: restore it from a backup)" : "";
  return Status::FailedPrecondition("cannot open event log " + dir + ": " + s.ToString() + hint);
}

// NextOffset is the offset after the log's last record. Every key of a wit log is an 8-byte
// offset: a database with any other key is some other program's, and refused.
StatusOr<uint64_t> NextOffset(rocksdb::DB* db, const std::string& dir) {
  uint64_t next = 0;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  it->SeekToLast();
  if (it->Valid()) next = KeyOffset(it->key().ToStringView()) + 1;
  bool foreign = it->Valid() && it->key().size() != 8;
  it->SeekToFirst();
  foreign |= it->Valid() && it->key().size() != 8;
  if (!it->status().ok()) {
    return Status::FailedPrecondition("cannot read event log " + dir + ": " +
                                      it->status().ToString());
  }
  if (foreign) {
    return Status::FailedPrecondition(dir +
                                      " holds a RocksDB database that is not a wit event log");
  }
  return next;
}

// IndexUpTo indexes the records below `next` that the index does not cover yet.
Status IndexUpTo(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* index, uint64_t next,
                 const std::string& dir) {
  std::string indexed;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), index, kIndexedEndKey, &indexed);
  if (!s.ok() && !s.IsNotFound()) {
    return Status::FailedPrecondition("cannot read the index of event log " + dir + ": " +
                                      s.ToString());
  }
  uint64_t indexed_end = s.ok() ? KeyOffset(indexed) : 0;
  if (indexed_end < next) {
    s = IndexOldRecords(db, index, indexed_end, next);
    if (!s.ok()) {
      return Status::FailedPrecondition("cannot index event log " + dir + ": " + s.ToString());
    }
  }
  return Status::OK();
}

}  // namespace

StatusOr<std::unique_ptr<EmbeddedEventLog>> EmbeddedEventLog::Open(
    const std::string& dir, std::shared_ptr<const EventAuthenticator> signer) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.compression = rocksdb::kNoCompression;
  // Whoever opens the log next (witd after a crash, wit-audit at any time) first replays the
  // write-ahead log into memory. Small memtables and a bound on the WAL keep that under a
  // fraction of a second; the index's small entries would otherwise pin old WAL files.
  options.write_buffer_size = 8 << 20;
  options.max_total_wal_size = 16 << 20;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, LogFamilies(options), &handles, &raw);
  if (!s.ok()) return OpenError(dir, s);
  std::unique_ptr<rocksdb::DB> db(raw);
  // Declared after db, so they are destroyed before it.
  FamilyPtr log_handle(handles[0], HandleDeleter{db.get()});
  FamilyPtr index(handles[1], HandleDeleter{db.get()});
  FamilyPtr macs(handles[2], HandleDeleter{db.get()});
  log_handle.reset();  // the default family is reached through db itself

  StatusOr<uint64_t> next = NextOffset(db.get(), dir);
  if (!next.ok()) return next.status();
  if (Status st = IndexUpTo(db.get(), index.get(), *next, dir); !st.ok()) return st;
  StatusOr<uint64_t> unsigned_before =
      UnsignedBeforeOf(db.get(), index.get(), *next, signer != nullptr);
  if (!unsigned_before.ok()) {
    return Status::FailedPrecondition("cannot read the signing mark of event log " + dir + ": " +
                                      unsigned_before.status().message());
  }
  return std::unique_ptr<EmbeddedEventLog>(
      new EmbeddedEventLog(std::move(db), std::move(index), std::move(macs), *next,
                           *unsigned_before, dir, std::move(signer)));
}

namespace {

// PrivateTempDir makes a directory only its owner can enter, for a secondary's info log.
StatusOr<std::string> PrivateTempDir() {
  std::error_code ec;
  std::string pattern = (std::filesystem::temp_directory_path(ec) / "wit-log-reader-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    return Status::FailedPrecondition("cannot make a temporary directory for the log reader");
  }
  return pattern;
}

// ReadOnlyMark is a read-only log's UnsignedBefore: the mark a signing witd set, or every
// offset when none did.
StatusOr<uint64_t> ReadOnlyMark(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* index) {
  if (!index) return UINT64_MAX;
  std::string mark;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), index, kUnsignedBeforeKey, &mark);
  if (s.IsNotFound()) return UINT64_MAX;
  if (!s.ok()) return Status::Unavailable("event log index read failed: " + s.ToString());
  return KeyOffset(mark);
}

}  // namespace

StatusOr<std::unique_ptr<EmbeddedEventLog>> EmbeddedEventLog::OpenReadOnly(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", ec)) {
    return Status::NotFound(dir + " holds no event log (no RocksDB CURRENT file)");
  }
  StatusOr<std::string> secondary = PrivateTempDir();
  if (!secondary.ok()) return secondary.status();
  rocksdb::Options options;
  options.max_open_files = -1;  // required of a secondary instance
  options.create_if_missing = false;
  // Readers of the history read the files end to end: mapping them saves copying every block
  // out of the page cache.
  options.allow_mmap_reads = true;
  // Only the families the log has: one from before the index or the MACs lacks them.
  std::vector<std::string> names;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(options, dir, &names);
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const rocksdb::ColumnFamilyDescriptor& family : LogFamilies(options)) {
    if (std::find(names.begin(), names.end(), family.name) != names.end()) {
      families.push_back(family);
    }
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  if (s.ok()) s = rocksdb::DB::OpenAsSecondary(options, dir, *secondary, families, &handles, &raw);
  if (!s.ok()) {
    std::filesystem::remove_all(*secondary, ec);
    return Status::FailedPrecondition("cannot read event log " + dir + ": " + s.ToString());
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  FamilyPtr index(nullptr, HandleDeleter{db.get()});
  FamilyPtr macs(nullptr, HandleDeleter{db.get()});
  for (size_t i = 0; i < families.size(); ++i) {
    FamilyPtr handle(handles[i], HandleDeleter{db.get()});
    if (families[i].name == kLogIndexFamily) index = std::move(handle);
    if (families[i].name == kLogMacFamily) macs = std::move(handle);
  }
  StatusOr<uint64_t> next = NextOffset(db.get(), dir);
  StatusOr<uint64_t> mark = next.ok() ? ReadOnlyMark(db.get(), index.get()) : next;
  if (!mark.ok()) {
    index.reset();
    macs.reset();
    db.reset();
    std::filesystem::remove_all(*secondary, ec);
    return mark.status();
  }
  std::unique_ptr<EmbeddedEventLog> log(new EmbeddedEventLog(
      std::move(db), std::move(index), std::move(macs), *next, *mark, dir, nullptr));
  log->secondary_dir_ = std::move(*secondary);
  log->read_only_ = true;
  return log;
}

EmbeddedEventLog::EmbeddedEventLog(std::unique_ptr<rocksdb::DB> db, FamilyPtr index, FamilyPtr macs,
                                   uint64_t next_offset, uint64_t unsigned_before, std::string dir,
                                   std::shared_ptr<const EventAuthenticator> signer)
    : db_(std::move(db)),
      index_(std::move(index)),
      macs_(std::move(macs)),
      dir_(std::move(dir)),
      signer_(std::move(signer)),
      unsigned_before_(unsigned_before),
      next_offset_(next_offset),
      durable_end_(next_offset) {}

EmbeddedEventLog::~EmbeddedEventLog() {
  if (!db_) return;
  // A log closed cleanly leaves no WAL to replay.
  if (!read_only_) {
    db_->Flush(rocksdb::FlushOptions(), {db_->DefaultColumnFamily(), index_.get(), macs_.get()})
        .PermitUncheckedError();
  }
  index_.reset();
  macs_.reset();
  db_->Close().PermitUncheckedError();
  db_.reset();
  if (!secondary_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(secondary_dir_, ec);
  }
}

void EmbeddedEventLog::Encode(const std::vector<Event>& events, std::vector<std::string>* payloads,
                              std::vector<std::vector<std::string>>* terms,
                              std::vector<std::string>* macs) const {
  payloads->reserve(events.size());
  terms->reserve(events.size());
  for (const Event& e : events) {
    payloads->push_back(EncodeEvent(e));
    terms->push_back(IndexTerms(e));
    if (signer_) {
      macs->push_back(e.type == EventType::kUsed ? "" : signer_->Sign(payloads->back()));
    }
  }
}

StatusOr<LogPosition> EmbeddedEventLog::Append(const Event& event) {
  std::vector<std::string> payloads, macs;
  std::vector<std::vector<std::string>> terms;
  Encode({event}, &payloads, &terms, &macs);
  StatusOr<uint64_t> offset = AppendRecords(std::move(payloads), std::move(terms), std::move(macs));
  if (!offset.ok()) return offset.status();
  return LogPosition{kStream, *offset};
}

// Group commit in the manner of LevelDB's DBImpl::Write: writers queue up; the one at the head
// writes every queued record in one synced batch and hands each its result.
StatusOr<uint64_t> EmbeddedEventLog::AppendPayload(std::string payload, std::string mac) {
  std::vector<std::vector<std::string>> terms = {IndexTermsOfPayload(payload)};
  std::vector<std::string> payloads, macs;
  payloads.push_back(std::move(payload));
  macs.push_back(std::move(mac));
  return AppendRecords(std::move(payloads), std::move(terms), std::move(macs));
}

Status EmbeddedEventLog::AppendBatch(const std::vector<Event>& events, std::vector<bool>* durable) {
  std::vector<std::string> payloads, macs;
  std::vector<std::vector<std::string>> terms;
  Encode(events, &payloads, &terms, &macs);
  // One WriteBatch: all of it is durable or none.
  Status s = AppendRecords(std::move(payloads), std::move(terms), std::move(macs)).status();
  if (durable) durable->assign(events.size(), s.ok());
  return s;
}

StatusOr<uint64_t> EmbeddedEventLog::AppendPayloads(std::vector<std::string> payloads) {
  std::vector<std::vector<std::string>> terms;
  terms.reserve(payloads.size());
  for (const std::string& p : payloads) terms.push_back(IndexTermsOfPayload(p));
  return AppendRecords(std::move(payloads), std::move(terms), {});
}

StatusOr<uint64_t> EmbeddedEventLog::AppendRecords(std::vector<std::string> payloads,
                                                   std::vector<std::vector<std::string>> terms,
                                                   std::vector<std::string> macs) {
  if (read_only_) return Status::FailedPrecondition("event log " + dir_ + " is open read-only");
  if (payloads.empty()) return Status::InvalidArgument("nothing to append");
  PendingWrite w;
  w.payloads = std::move(payloads);
  w.terms = std::move(terms);
  w.macs = std::move(macs);
  {
    std::lock_guard<std::mutex> lock(mu_);
    writers_.push_back(&w);
    w.lead = writers_.front() == &w;
  }
  {
    std::unique_lock<std::mutex> own(w.mu);
    w.cv.wait(own, [&] { return w.done || w.lead; });
    if (w.done) {
      if (!w.status.ok()) return w.status;
      return w.offset;
    }
  }

  // This writer leads: take a group, write it without holding the lock.
  std::vector<PendingWrite*> group;
  rocksdb::WriteBatch batch;
  uint64_t next = TakeGroup(&group, &batch);
  batch.Put(index_.get(), kIndexedEndKey, OffsetKey(next));
  Status result = WriteGroup(&batch);
  uint64_t my_offset = w.offset;
  FinishGroup(group, &w, result, next);
  if (!result.ok()) return result;
  return my_offset;
}

uint64_t EmbeddedEventLog::TakeGroup(std::vector<PendingWrite*>* group,
                                     rocksdb::WriteBatch* batch) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t next = next_offset_;
  for (PendingWrite* p : writers_) {
    if (!group->empty() && next - next_offset_ + p->payloads.size() > kMaxGroup) break;
    p->offset = next;
    for (size_t i = 0; i < p->payloads.size(); ++i, ++next) {
      std::string key = OffsetKey(next);
      batch->Put(key, p->payloads[i]);
      for (const std::string& term : p->terms[i]) batch->Put(index_.get(), term + key, "");
      if (!p->macs.empty() && !p->macs[i].empty()) batch->Put(macs_.get(), key, p->macs[i]);
    }
    group->push_back(p);
  }
  return next;
}

Status EmbeddedEventLog::WriteGroup(rocksdb::WriteBatch* batch) {
  if (Status free = CheckFreeSpace(); !free.ok()) return free;
  rocksdb::WriteOptions options;
  options.sync = true;
  rocksdb::Status s = db_->Write(options, batch);
  if (!s.ok() && (s.IsNoSpace() || s.IsIOError())) {
    // After a failed write RocksDB refuses every write until resumed. Try once now, so the
    // log serves again as soon as the cause is gone; nothing of this batch was written.
    LogError("event log write failed: " + s.ToString());
    if (db_->Resume().ok()) s = db_->Write(options, batch);
  }
  if (!s.ok()) return Status::Unavailable("event log write failed: " + s.ToString());
  return Status::OK();
}

void EmbeddedEventLog::FinishGroup(const std::vector<PendingWrite*>& group,
                                   const PendingWrite* leader, const Status& result,
                                   uint64_t next) {
  PendingWrite* next_leader = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (result.ok()) {
      next_offset_ = next;
      durable_end_ = next_offset_;
    }
    for (size_t i = 0; i < group.size(); ++i) writers_.pop_front();
    if (!writers_.empty()) next_leader = writers_.front();
  }
  if (result.ok()) durable_cv_.notify_all();
  for (PendingWrite* p : group) {
    p->status = result;
    if (p != leader) p->Wake(true);
  }
  if (next_leader) next_leader->Wake(false);
}

Status EmbeddedEventLog::CheckFreeSpace() const {
  struct statvfs fs {};
  if (::statvfs(dir_.c_str(), &fs) != 0) return Status::OK();  // cannot tell: let RocksDB try
  uint64_t free_bytes = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
  if (free_bytes >= kReservedBytes) return Status::OK();
  return Status::Unavailable(
      "the disk holding the event log is full: " + std::to_string(free_bytes >> 20) +
      " MiB free, " + std::to_string(kReservedBytes >> 20) + " MiB are kept in reserve");
}

StatusOr<std::unique_ptr<LogReader>> EmbeddedEventLog::OpenReader(const LogPositions& start) {
  auto it = start.find(kStream);
  uint64_t next = it == start.end() ? 0 : it->second;
  return std::unique_ptr<LogReader>(new Reader(this, next));
}

uint64_t EmbeddedEventLog::RocksDbMemory() const { return RocksDbMemoryBytes(db_.get()); }

StatusOr<LogPositions> EmbeddedEventLog::EndPositions() {
  if (read_only_) {
    if (Status s = CatchUp(); !s.ok()) return s;
  }
  std::lock_guard<std::mutex> lock(mu_);
  return LogPositions{{kStream, durable_end_}};
}

Status EmbeddedEventLog::CatchUp() {
  rocksdb::Status s = db_->TryCatchUpWithPrimary();
  if (!s.ok())
    return Status::Unavailable("cannot catch up with event log " + dir_ + ": " + s.ToString());
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  it->SeekToLast();
  if (!it->status().ok()) {
    return Status::Unavailable("event log read failed: " + it->status().ToString());
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (it->Valid()) durable_end_ = std::max(durable_end_, KeyOffset(it->key().ToStringView()) + 1);
  return Status::OK();
}

StatusOr<uint64_t> EmbeddedEventLog::AwaitEnd(uint64_t from, std::chrono::milliseconds wait) {
  if (!read_only_) {
    std::unique_lock<std::mutex> lock(mu_);
    durable_cv_.wait_for(lock, wait, [&] { return durable_end_ > from; });
    return durable_end_;
  }
  // No writer here signals: look at the primary's files now and then (as `tail -f` does).
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (durable_end_ > from) return durable_end_;
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return from;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        deadline - now, std::chrono::milliseconds(100)));
    if (Status s = CatchUp(); !s.ok()) return s;
  }
}

Status EmbeddedEventLog::ReadFrom(uint64_t from, size_t max, std::chrono::milliseconds wait,
                                  uint64_t* end,
                                  const std::function<bool(const LogRecordView&)>& fn) {
  StatusOr<uint64_t> seen = AwaitEnd(from, wait);
  if (!seen.ok()) return seen.status();
  *end = *seen;
  if (*end <= from) return Status::OK();
  std::string upper = OffsetKey(*end);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  if (read_only_) {
    ro.readahead_size = 2 << 20;  // a reader of the history reads on: read ahead in large steps
    ro.fill_cache = false;        // and touches most blocks once
  }
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  // The MACs, walked in step: both families are keyed by offset.
  std::unique_ptr<rocksdb::Iterator> mac(macs_ ? db_->NewIterator(ro, macs_.get()) : nullptr);
  if (mac) mac->Seek(OffsetKey(from));
  // The offset of the next record with a MAC (UINT64_MAX: none), compared as a number: most
  // records have none.
  auto next_mac = [&] {
    return mac && mac->Valid() ? KeyOffset(mac->key().ToStringView()) : UINT64_MAX;
  };
  uint64_t mac_at = next_mac();
  size_t n = 0;
  for (it->Seek(OffsetKey(from)); it->Valid() && n < max; it->Next(), ++n) {
    LogRecordView record{
        kStream, KeyOffset(it->key().ToStringView()), it->value().ToStringView(), {}};
    for (; mac_at < record.offset; mac_at = next_mac()) mac->Next();
    if (mac_at == record.offset) record.mac = mac->value().ToStringView();
    if (!fn(record)) break;
  }
  rocksdb::Status failed = !it->status().ok() ? it->status()
                           : mac              ? mac->status()
                                              : rocksdb::Status::OK();
  if (!failed.ok()) return Status::Unavailable("event log read failed: " + failed.ToString());
  return Status::OK();
}

StatusOr<LogPositions> EmbeddedEventLog::IndexedEnd() {
  if (!index_) return LogPositions{};
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), index_.get(), kIndexedEndKey, &value);
  if (s.IsNotFound()) return LogPositions{};
  if (!s.ok()) return Status::Unavailable("event log index read failed: " + s.ToString());
  return LogPositions{{kStream, KeyOffset(value)}};
}

Status EmbeddedEventLog::Lookup(const std::string& term, std::vector<LogPosition>* positions) {
  if (!index_) return Status::OK();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), index_.get()));
  for (it->Seek(term); it->Valid(); it->Next()) {
    std::string_view key = it->key().ToStringView();
    if (key.size() != term.size() + 8 || key.substr(0, term.size()) != term) break;
    positions->push_back({kStream, KeyOffset(key.substr(term.size()))});
  }
  if (!it->status().ok()) {
    return Status::Unavailable("event log index read failed: " + it->status().ToString());
  }
  return Status::OK();
}

StatusOr<std::string> EmbeddedEventLog::MacAt(const std::string& key) {
  if (!macs_) return std::string();
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), macs_.get(), key, &value);
  if (s.IsNotFound()) return std::string();
  if (!s.ok()) return Status::Unavailable("event log read failed: " + s.ToString());
  return value;
}

Status EmbeddedEventLog::Fetch(const std::vector<LogPosition>& positions, const RecordFn& fn) {
  LogRecord record;
  record.stream = kStream;
  for (const LogPosition& p : positions) {
    if (p.stream != kStream) continue;
    std::string key = OffsetKey(p.offset);
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), key, &record.payload);
    if (s.IsNotFound()) continue;
    if (!s.ok()) return Status::Unavailable("event log read failed: " + s.ToString());
    StatusOr<std::string> mac = MacAt(key);
    if (!mac.ok()) return mac.status();
    record.offset = p.offset;
    record.mac = std::move(*mac);
    if (!fn(record)) break;
  }
  return Status::OK();
}

}  // namespace wit
