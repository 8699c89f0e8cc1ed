#ifndef WIT_PROJECTOR_TOKEN_VIEW_H_
#define WIT_PROJECTOR_TOKEN_VIEW_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "ledger/event_log.h"
#include "ledger/merkle.h"
#include "projector/token_state.h"
#include "projector/view_trees.h"

namespace rocksdb {
class DB;
struct Options;
}  // namespace rocksdb

namespace wit {

// ViewStorageOptions are the RocksDB options TokenView::Open opens its DB with (bench_rebuild's
// baseline loads with them too).
rocksdb::Options ViewStorageOptions();

// TokenView is the RocksDB read model of the ledger: tokens by id, by hash, by prefix and per
// user, plus the log position applied so far. Apply is called by one thread (the projector);
// queries and waits may come from any thread.
//
// Layout: "t/<id>" → encoded TokenState, "h/<hash>" → id, "p/<prefix>" → id,
// "u/<user>\0<id>" → "" (or "r" once revoked), "pos/<stream>" → next offset (8 bytes,
// big-endian, base/coding.h), the streams' Merkle trees (projector/view_trees.h), "~format" →
// "2". A view written before the format key existed
// (positions in host order, records of version 2) is read, and its positions rewritten, on
// Open.
class TokenView {
 public:
  // Open opens or creates the view in `dir`. A view that is missing is simply empty: the
  // projector then rebuilds it from the start of the log.
  static StatusOr<std::unique_ptr<TokenView>> Open(const std::string& dir);
  ~TokenView();
  TokenView(const TokenView&) = delete;
  TokenView& operator=(const TokenView&) = delete;

  struct ApplyStats {
    size_t applied = 0;       // events folded into the view
    size_t foreign_user = 0;  // uses (or revocations) naming another user than the token's:
                              // folded without effect, and counted as skipped
  };

  using Trees = wit::StreamTrees;

  // Apply folds `events` (decoded and admitted by the projector, in log order) into the view
  // with ApplyEvent, and writes the result, the positions `next` and what the batch added to
  // the streams' trees in one WriteBatch, so data, tree and position never disagree after a
  // crash. `next` holds every stream the batch read, its skipped records included.
  Status Apply(const std::vector<Event>& events, const LogPositions& next, ApplyStats* stats,
               const TreeGrowth& growth = {});

  // StreamTrees returns every stream's tree as of the last Apply.
  Trees StreamTrees() const;

  // TreeNodes reads the stored nodes of a stream's tree, for proofs of any size up to the
  // tree's (StreamTrees). The reader must not outlive the view.
  MerkleNodeReader TreeNodes(const std::string& stream) const;

  // OpenTile returns the bottom tile a stream's tree of `size` leaves is filling (empty when
  // size is a multiple of 256), for the projector to go on with after a restart.
  StatusOr<BottomTile> OpenTile(const std::string& stream, uint64_t size) const;

  // FindEvent returns the records holding the admitted event `event_id`: usually one, none
  // when no such event was applied.
  StatusOr<std::vector<LogPosition>> FindEvent(const std::string& event_id) const;

  // Events applied, and uses naming another user, since Open; updated before waiters are
  // woken.
  uint64_t applied_total() const { return applied_total_.load(); }
  uint64_t foreign_user_total() const { return foreign_user_total_.load(); }

  // RocksDB's memtables, block cache and table readers for the view (see RocksDbMemoryBytes).
  uint64_t RocksDbMemory() const;

  // Positions returns the next offset to read per stream.
  LogPositions Positions() const;

  // WaitApplied blocks until `pos` has been applied or `timeout` passes; returns whether it was.
  bool WaitApplied(const LogPosition& pos, std::chrono::milliseconds timeout) const;

  // CaughtUpWith reports whether every stream in `end` has been applied up to its offset.
  bool CaughtUpWith(const LogPositions& end) const;

  // GetById returns a created token (placeholders are NotFound).
  StatusOr<TokenState> GetById(const std::string& id) const;
  StatusOr<TokenState> GetByHash(const std::string& hash) const;
  bool PrefixTaken(const std::string& prefix) const;

  // Which of a user's tokens ListByUser reads. kUnrevoked skips the revoked ones without
  // reading them, so a list of active tokens costs what the user holds, not their history.
  enum class Listing { kAll, kUnrevoked };

  // ListByUser returns the user's tokens, newest first.
  std::vector<TokenState> ListByUser(const std::string& user_id,
                                     Listing listing = Listing::kAll) const;

  // ScanTokens calls `fn` on every created token whose id sorts after `after` (all when empty),
  // in id order (time order, for the time-ordered ids witd makes), until `fn` returns false.
  void ScanTokens(const std::string& after, const std::function<bool(const TokenState&)>& fn) const;

  // ListAll returns every token state, placeholders included, ordered by id (for comparing a
  // view with a rebuild).
  std::vector<TokenState> ListAll() const;

 private:
  TokenView(std::unique_ptr<rocksdb::DB> db, LogPositions positions, Trees trees,
            std::map<std::string, UpperNodes> upper);
  StatusOr<TokenState> LoadState(const std::string& id) const;  // placeholders included
  // LoadStates reads the states stored under `keys` into (*states)[i] (nullopt where none is).
  // REQUIRES: `keys` ("t/<id>") sorted and distinct, as RocksDB's batched MultiGet takes them.
  Status LoadStates(const std::vector<std::string>& keys,
                    std::vector<std::optional<TokenState>>* states) const;

  std::unique_ptr<rocksdb::DB> db_;
  mutable std::mutex mu_;
  mutable std::condition_variable applied_cv_;
  LogPositions positions_;                   // guarded by mu_
  Trees trees_;                              // guarded by mu_
  std::map<std::string, UpperNodes> upper_;  // guarded by mu_: the nodes proofs read most
  std::atomic<uint64_t> applied_total_{0};
  std::atomic<uint64_t> foreign_user_total_{0};
};

}  // namespace wit

#endif  // WIT_PROJECTOR_TOKEN_VIEW_H_
