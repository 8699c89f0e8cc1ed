#ifndef WIT_LEDGER_EMBEDDED_EVENT_LOG_H_
#define WIT_LEDGER_EMBEDDED_EVENT_LOG_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "ledger/event_auth.h"
#include "ledger/event_log.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class WriteBatch;
}  // namespace rocksdb

namespace wit {

// EmbeddedEventLog keeps the whole log in one RocksDB database (key: big-endian offset, value:
// the encoded event) with a single stream named kStream. Appends are synced writes; appends
// that arrive together are written as one batch with one fsync (group commit), so durability
// does not cost an fsync per event. Each batch also writes the records' index entries (by
// token, user, hash and prefix; see log_index.h) for wit-audit, and the MAC of each lifecycle
// event (column family kLogMacFamily, keyed like the record). Thread-safe.
class EmbeddedEventLog : public EventLog {
 public:
  static constexpr const char* kStream = "log";

  // Open opens or creates the log in directory `dir`. Only one process may hold it open for
  // writing; a second Open fails with Unavailable naming the lock. Records written before the
  // log had an index are indexed first. With a `signer`, Append and AppendBatch attach a MAC to
  // every token.created and token.revoked; the first Open with one records the log's end as
  // UnsignedBefore, so the lifecycle records of a log from before signing stay accepted.
  static StatusOr<std::unique_ptr<EmbeddedEventLog>> Open(
      const std::string& dir, std::shared_ptr<const EventAuthenticator> signer = nullptr);

  // OpenReadOnly opens the log in `dir` for reading only, also while witd holds it open: as a
  // RocksDB secondary instance, which takes no lock and never writes the primary's files. Its
  // appends fail with FailedPrecondition. It sees what the writer has made durable as of its
  // last EndPositions call, or of a read that waited for more. A log written before it had an
  // index is read as it is: IndexedEnd says what the index covers. NotFound if `dir` holds no
  // RocksDB database; FailedPrecondition with RocksDB's reason if it cannot be opened.
  static StatusOr<std::unique_ptr<EmbeddedEventLog>> OpenReadOnly(const std::string& dir);

  ~EmbeddedEventLog() override;
  EmbeddedEventLog(const EmbeddedEventLog&) = delete;
  EmbeddedEventLog& operator=(const EmbeddedEventLog&) = delete;

  StatusOr<LogPosition> Append(const Event& event) override;
  Status AppendBatch(const std::vector<Event>& events, std::vector<bool>* durable) override;
  StatusOr<std::unique_ptr<LogReader>> OpenReader(const LogPositions& start) override;
  StatusOr<LogPositions> EndPositions() override;
  uint64_t RocksDbMemory() const override;
  StreamRole RoleOf(const std::string&) const override { return StreamRole::kAll; }
  LogPositions UnsignedBefore() const override { return {{kStream, unsigned_before_}}; }
  StatusOr<LogPositions> IndexedEnd() override;
  Status Lookup(const std::string& term, std::vector<LogPosition>* positions) override;
  Status Fetch(const std::vector<LogPosition>& positions, const RecordFn& fn) override;

  // AppendPayload appends raw bytes as a record without a MAC, durable on return. The test seam
  // through which tests put malformed or forged records on the log.
  // `mac`, if not empty, is stored as the record's MAC header.
  StatusOr<uint64_t> AppendPayload(std::string payload, std::string mac = "");

  // AppendPayloads appends several records as consecutive offsets, durable on return, and
  // returns the offset of the first.
  StatusOr<uint64_t> AppendPayloads(std::vector<std::string> payloads);

 private:
  class Reader;
  struct PendingWrite;

  // Destroys a column family handle of `db` (which must outlive it).
  struct HandleDeleter {
    rocksdb::DB* db;
    void operator()(rocksdb::ColumnFamilyHandle* handle) const;
  };
  using FamilyPtr = std::unique_ptr<rocksdb::ColumnFamilyHandle, HandleDeleter>;

  EmbeddedEventLog(std::unique_ptr<rocksdb::DB> db, FamilyPtr index, FamilyPtr macs,
                   uint64_t next_offset, uint64_t unsigned_before, std::string dir,
                   std::shared_ptr<const EventAuthenticator> signer);

  // CatchUp (read-only) makes what the writer has made durable visible, and moves the end on.
  Status CatchUp();
  // AwaitEnd waits up to `wait` for the end to pass `from` and returns the end it saw: on a
  // read-only log by catching up now and then, else by waiting for the writers' signal.
  StatusOr<uint64_t> AwaitEnd(uint64_t from, std::chrono::milliseconds wait);
  // MacAt returns the MAC stored with the record at `key` ("" when it has none).
  StatusOr<std::string> MacAt(const std::string& key);

  // Encode turns events into payloads, index terms and MACs (empty where none).
  void Encode(const std::vector<Event>& events, std::vector<std::string>* payloads,
              std::vector<std::vector<std::string>>* terms, std::vector<std::string>* macs) const;

  // Appends are refused (Unavailable) while the log's filesystem has less than this free.
  // RocksDB must never meet a full disk mid-write: Debian's build asserts (and aborts) when a
  // synced WAL write fails, and the reserve also leaves room for a memtable flush.
  static constexpr uint64_t kReservedBytes = 32ull << 20;

  // CheckFreeSpace is Unavailable, saying how much is free, when below kReservedBytes.
  Status CheckFreeSpace() const;

  // AppendRecords appends `payloads` with their index terms and MACs (terms[i] and macs[i] for
  // payloads[i]; macs may be empty: none has a MAC).
  // Writers queue up; the first one leads: it takes a group of the queued writes (TakeGroup),
  // writes them in one synced batch (WriteGroup) and hands each its outcome (FinishGroup).
  StatusOr<uint64_t> AppendRecords(std::vector<std::string> payloads,
                                   std::vector<std::vector<std::string>> terms,
                                   std::vector<std::string> macs);
  // TakeGroup puts queued writes, from the front, into `batch` and `group`, giving each its
  // offset, and returns the offset after the last.
  uint64_t TakeGroup(std::vector<PendingWrite*>* group, rocksdb::WriteBatch* batch);
  // WriteGroup writes `batch` synced; a full or failing disk is Unavailable.
  Status WriteGroup(rocksdb::WriteBatch* batch);
  // FinishGroup moves the log's end to `next` if `result` is OK, wakes the group's writers
  // (but `leader`) with `result`, and hands the lead to the next queued writer.
  void FinishGroup(const std::vector<PendingWrite*>& group, const PendingWrite* leader,
                   const Status& result, uint64_t next);

  // ReadFrom is the Reader's body: it hands `fn` the records from `from` on, at most `max`,
  // waiting up to `wait` if there are none, and stops when `fn` returns false. *end is set to
  // the durable end the read saw.
  Status ReadFrom(uint64_t from, size_t max, std::chrono::milliseconds wait, uint64_t* end,
                  const std::function<bool(const LogRecordView&)>& fn);

  std::unique_ptr<rocksdb::DB> db_;
  // Reset before db_ closes. Null on a read-only log from before the index or the MACs.
  FamilyPtr index_;
  FamilyPtr macs_;  // kLogMacFamily
  std::string dir_;
  // Read-only: the secondary instance's own directory (for its info log), removed on close.
  std::string secondary_dir_;
  bool read_only_ = false;
  std::shared_ptr<const EventAuthenticator> signer_;  // may be null: nothing is signed
  uint64_t unsigned_before_;

  std::mutex mu_;
  std::condition_variable durable_cv_;  // signalled when durable_end_ grows
  std::deque<PendingWrite*> writers_;   // head is the current group-commit leader
  uint64_t next_offset_;                // offset the next queued record gets
  uint64_t durable_end_;                // records below this are synced and readable
};

}  // namespace wit

#endif  // WIT_LEDGER_EMBEDDED_EVENT_LOG_H_
