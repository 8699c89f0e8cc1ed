#include "projector/token_view.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstring>

#include "base/coding.h"
#include "ledger/rocksdb_memory.h"

namespace wit {
namespace {

constexpr char kPositionPrefix[] = "pos/";
// The value of a user index entry ("u/<user>\0<id>") whose token is revoked; "" otherwise.
// Entries written before the mark existed stay "" and are read and filtered as before.
constexpr char kRevokedMark[] = "r";

std::string UserKey(const std::string& user, const std::string& id) {
  std::string k = "u/" + user;
  k.push_back('\0');
  return k + id;
}

// The view's format. "2": positions big-endian (base/coding.h). A view without the key was
// written before 2026-12, with positions in host order: Open rewrites them once.
constexpr char kFormatKey[] = "~format";
constexpr char kFormat[] = "2";

// ReadPositions reads the positions of an open view, and rewrites a legacy view's in the
// current format (with the format key) in one batch.
StatusOr<LogPositions> ReadPositions(rocksdb::DB* db) {
  std::string format;
  rocksdb::Status fs = db->Get(rocksdb::ReadOptions(), kFormatKey, &format);
  if (!fs.ok() && !fs.IsNotFound()) {
    return Status::FailedPrecondition("cannot read the view: " + fs.ToString());
  }
  bool legacy = fs.IsNotFound();
  if (!legacy && format != kFormat) {
    return Status::FailedPrecondition("the view has format " + format + ", this witd reads " +
                                      kFormat + "; delete it to rebuild it from the log");
  }
  LogPositions positions;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(kPositionPrefix); it->Valid() && it->key().starts_with(kPositionPrefix);
       it->Next()) {
    uint64_t v = 0;
    if (it->value().size() == 8) {
      if (legacy) {
        std::memcpy(&v, it->value().data(), 8);  // host order
      } else {
        v = DecodeFixed64(it->value().ToStringView());
      }
    }
    positions[it->key().ToString().substr(sizeof(kPositionPrefix) - 1)] = v;
  }
  it.reset();
  if (legacy) {
    rocksdb::WriteBatch batch;
    for (const auto& [stream, offset] : positions) {
      batch.Put(kPositionPrefix + stream, EncodeFixed64(offset));
    }
    batch.Put(kFormatKey, kFormat);
    rocksdb::WriteOptions sync;
    sync.sync = true;
    rocksdb::Status ws = db->Write(sync, &batch);
    if (!ws.ok()) return Status::FailedPrecondition("cannot migrate the view: " + ws.ToString());
  }
  return positions;
}

// ByToken is a batch's events grouped by token: `order` holds their indices, tokens in id
// order and each token's events in log order; keys[k] is the k-th token's "t/<id>", and its
// events are order[firsts[k]] up to order[firsts[k + 1]].
struct ByToken {
  std::vector<size_t> order;
  std::vector<std::string> keys;
  std::vector<size_t> firsts;
};

ByToken GroupByToken(const std::vector<Event>& events) {
  ByToken g;
  g.order.resize(events.size());
  for (size_t i = 0; i < events.size(); ++i) g.order[i] = i;
  std::stable_sort(g.order.begin(), g.order.end(), [&events](size_t a, size_t b) {
    return events[a].token_id < events[b].token_id;
  });
  for (size_t i = 0; i < g.order.size(); ++i) {
    const std::string& id = events[g.order[i]].token_id;
    if (i > 0 && id == events[g.order[i - 1]].token_id) continue;
    g.keys.push_back("t/" + id);
    g.firsts.push_back(i);
  }
  g.firsts.push_back(g.order.size());
  return g;
}

}  // namespace

rocksdb::Options ViewStorageOptions() {
  rocksdb::Options options;
  options.create_if_missing = true;
  // RocksDB's default 64 MiB memtable (two of them) would make witd's memory climb for as long
  // as it takes to fill one: every use rewrites a token's last-used time. 8 MiB bounds it.
  options.write_buffer_size = 8 << 20;
  // A bloom filter over the memtable's keys: a batch's token states are looked up there first,
  // and most of a rebuild's (and a live verify's) lookups are of keys it does not hold.
  options.memtable_whole_key_filtering = true;
  options.memtable_prefix_bloom_size_ratio = 0.05;
  // LZ4, not RocksDB's default Snappy: a rebuild's state reads decompress blocks that its 8 MiB
  // block cache cannot hold (Snappy's decompression was 13 % of the applying thread), and LZ4
  // does it faster for the same bytes on disk (bench_rebuild, three A/B pairs: +9 %;
  // bench_memory: 412 B a token either way). Blocks written before keep their own compression and
  // still read.
  options.compression = rocksdb::kLZ4Compression;
  // Eight files in level 0 before they are merged into level 1, not four: each such merge
  // rewrites the level-1 files they overlap, which a rebuild's states and event keys all do, so
  // half as many merges halve that rewriting (RocksDB's compactions were 28 % of bench_rebuild's
  // samples; two A/B pairs: 158 838 and 160 824 events/s against 144 465 and 146 938). A read
  // looks at four more small files at most, each behind its bloom filter.
  options.level0_file_num_compaction_trigger = 8;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

StatusOr<std::unique_ptr<TokenView>> TokenView::Open(const std::string& dir) {
  rocksdb::Options options = ViewStorageOptions();
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) return Status::FailedPrecondition("cannot open view " + dir + ": " + s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);

  StatusOr<LogPositions> positions = ReadPositions(db.get());
  if (!positions.ok()) return positions.status();
  StatusOr<Trees> trees = ReadStreamTrees(db.get());
  if (!trees.ok()) return trees.status();
  StatusOr<std::map<std::string, UpperNodes>> upper = ReadUpperNodes(db.get(), *trees);
  if (!upper.ok()) return upper.status();
  return std::unique_ptr<TokenView>(
      new TokenView(std::move(db), std::move(*positions), std::move(*trees), std::move(*upper)));
}

TokenView::TokenView(std::unique_ptr<rocksdb::DB> db, LogPositions positions, Trees trees,
                     std::map<std::string, UpperNodes> upper)
    : db_(std::move(db)),
      positions_(std::move(positions)),
      trees_(std::move(trees)),
      upper_(std::move(upper)) {}

TokenView::~TokenView() {
  if (db_) db_->Close().PermitUncheckedError();
}

Status TokenView::Apply(const std::vector<Event>& events, const LogPositions& next,
                        ApplyStats* stats, const TreeGrowth& growth) {
  // A token's events fold in memory into one state write, the states are read in one sorted
  // MultiGet and written in key order (RocksDB's skiplist inserts a run of ascending keys from
  // where the last one went). A token's state depends on its own events only, so folding
  // token by token gives what log order gives; the index entries, which two tokens may share
  // (a hash or prefix made twice), are written in log order below.
  ByToken grouped = GroupByToken(events);
  const std::vector<size_t>& order = grouped.order;
  const std::vector<std::string>& keys = grouped.keys;
  const std::vector<size_t>& firsts = grouped.firsts;
  std::vector<std::optional<TokenState>> states;
  if (Status s = LoadStates(keys, &states); !s.ok()) return s;

  rocksdb::WriteBatch batch;
  struct IndexEntry {
    std::string key;
    std::string value;
    size_t event;  // the event that made it, in log order
  };
  std::vector<IndexEntry> index;  // written after the states
  for (size_t k = 0; k < keys.size(); ++k) {
    std::optional<TokenState>& state = states[k];
    for (size_t i = firsts[k]; i < firsts[k + 1]; ++i) {
      const Event& event = events[order[i]];
      if (NamesAnotherUser(state, event)) {
        // ApplyEvent would change nothing; say so rather than count it as applied.
        ++stats->foreign_user;
        continue;
      }
      bool existed = state && state->created;
      bool was_revoked = existed && state->revoked_at.has_value();
      state = ApplyEvent(std::move(state), event);
      if (!existed && state && state->created) {
        index.push_back({"h/" + state->token_hash, state->id, order[i]});
        index.push_back({"p/" + state->prefix, state->id, order[i]});
        index.push_back({UserKey(state->user_id, state->id), "", order[i]});
      }
      if (!was_revoked && state && state->created && state->revoked_at) {
        index.push_back({UserKey(state->user_id, state->id), kRevokedMark, order[i]});
      }
      ++stats->applied;
    }
    if (state) batch.Put(keys[k], EncodeTokenState(*state));
  }
  // By key, and for one key in log order, so the later Put wins as it would event by event and
  // across batches: a token created and revoked in one batch ends with its user entry marked,
  // and of two creations with one hash the later names the token.
  std::sort(index.begin(), index.end(), [](const IndexEntry& a, const IndexEntry& b) {
    return a.key != b.key ? a.key < b.key : a.event < b.event;
  });
  for (const IndexEntry& e : index) batch.Put(e.key, e.value);
  for (const auto& [stream, offset] : next) {
    batch.Put(kPositionPrefix + stream, EncodeFixed64(offset));
  }
  PutTreeGrowth(growth, &batch);
  // No WAL: the view is derived data. A crash loses only the writes still in the memtable, and
  // since each batch holds its data and its positions together, what survives is an older
  // consistent view that the projector brings up to date from its stored positions.
  rocksdb::WriteOptions options;
  options.disableWAL = true;
  rocksdb::Status s = db_->Write(options, &batch);
  if (!s.ok() && db_->Resume().ok()) {
    // A flush that failed for want of space stops every write until resumed; the projector
    // retries this batch, so resume once space may have returned.
    s = db_->Write(options, &batch);
  }
  if (!s.ok()) return Status::Unavailable("view write failed: " + s.ToString());
  applied_total_ += stats->applied;
  foreign_user_total_ += stats->foreign_user;
  {
    std::lock_guard<std::mutex> lock(mu_);
    positions_ = next;
    for (const auto& [stream, tree] : growth.frontiers) trees_.insert_or_assign(stream, tree);
    for (const auto& [stream, nodes] : growth.nodes) {
      UpperNodes& upper = upper_[stream];
      for (const MerkleNode& n : nodes) upper.Add(n);
    }
  }
  applied_cv_.notify_all();
  return Status::OK();
}

Status TokenView::LoadStates(const std::vector<std::string>& keys,
                             std::vector<std::optional<TokenState>>* states) const {
  states->assign(keys.size(), std::nullopt);
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> found(keys.size());
  // Batched over sorted keys: each block of keys is read once (the vector-of-strings MultiGet
  // looks each key up on its own).
  db_->MultiGet(rocksdb::ReadOptions(), db_->DefaultColumnFamily(), keys.size(), slices.data(),
                values.data(), found.data(), /*sorted_input=*/true);
  for (size_t i = 0; i < keys.size(); ++i) {
    if (found[i].IsNotFound()) continue;
    if (!found[i].ok()) return Status::Unavailable("view read failed: " + found[i].ToString());
    StatusOr<TokenState> state = DecodeTokenState(values[i].ToStringView());
    if (!state.ok()) return state.status();
    (*states)[i] = std::move(*state);
  }
  return Status::OK();
}

uint64_t TokenView::RocksDbMemory() const { return RocksDbMemoryBytes(db_.get()); }

TokenView::Trees TokenView::StreamTrees() const {
  std::lock_guard<std::mutex> lock(mu_);
  return trees_;
}

MerkleNodeReader TokenView::TreeNodes(const std::string& stream) const {
  MerkleNodeReader stored = StoredTreeNodes(db_.get(), stream);
  return [this, stream, stored](int level, uint64_t index) -> StatusOr<MerkleHash> {
    if (level >= kUpperLevel) {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = upper_.find(stream);
      if (const MerkleHash* h = it == upper_.end() ? nullptr : it->second.Find(level, index)) {
        return *h;
      }
    }
    return stored(level, index);
  };
}

StatusOr<BottomTile> TokenView::OpenTile(const std::string& stream, uint64_t size) const {
  return ReadBottomTile(db_.get(), stream, size >> kUpperLevel);
}

StatusOr<std::vector<LogPosition>> TokenView::FindEvent(const std::string& event_id) const {
  return ReadEventRecords(db_.get(), event_id);
}

LogPositions TokenView::Positions() const {
  std::lock_guard<std::mutex> lock(mu_);
  return positions_;
}

bool TokenView::WaitApplied(const LogPosition& pos, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return applied_cv_.wait_for(lock, timeout, [&] {
    auto it = positions_.find(pos.stream);
    return it != positions_.end() && it->second > pos.offset;
  });
}

bool TokenView::CaughtUpWith(const LogPositions& end) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [stream, offset] : end) {
    if (offset == 0) continue;
    auto it = positions_.find(stream);
    if (it == positions_.end() || it->second < offset) return false;
  }
  return true;
}

StatusOr<TokenState> TokenView::GetById(const std::string& id) const {
  StatusOr<TokenState> t = LoadState(id);
  if (t.ok() && !t->created) return Status::NotFound("no token " + id);
  return t;
}

StatusOr<TokenState> TokenView::LoadState(const std::string& id) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), "t/" + id, &value);
  if (s.IsNotFound()) return Status::NotFound("no token " + id);
  if (!s.ok()) return Status::Unavailable("view read failed: " + s.ToString());
  return DecodeTokenState(value);
}

StatusOr<TokenState> TokenView::GetByHash(const std::string& hash) const {
  std::string id;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), "h/" + hash, &id);
  if (s.IsNotFound()) return Status::NotFound("no token with that hash");
  if (!s.ok()) return Status::Unavailable("view read failed: " + s.ToString());
  return GetById(id);
}

bool TokenView::PrefixTaken(const std::string& prefix) const {
  std::string id;
  return !db_->Get(rocksdb::ReadOptions(), "p/" + prefix, &id).IsNotFound();
}

std::vector<TokenState> TokenView::ListByUser(const std::string& user_id, Listing listing) const {
  std::vector<TokenState> out;
  std::string start = UserKey(user_id, "");
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(start); it->Valid() && it->key().starts_with(start); it->Next()) {
    if (listing == Listing::kUnrevoked && it->value() == kRevokedMark) continue;
    auto t = GetById(it->key().ToString().substr(start.size()));
    if (t.ok()) out.push_back(std::move(*t));
  }
  std::sort(out.begin(), out.end(), [](const TokenState& a, const TokenState& b) {
    return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
  });
  return out;
}

void TokenView::ScanTokens(const std::string& after,
                           const std::function<bool(const TokenState&)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  std::string start = "t/" + after;
  for (it->Seek(start); it->Valid() && it->key().starts_with("t/"); it->Next()) {
    if (!after.empty() && it->key() == rocksdb::Slice(start)) continue;
    auto t = DecodeTokenState(it->value().ToStringView());
    if (t.ok() && t->created && !fn(*t)) return;
  }
}

std::vector<TokenState> TokenView::ListAll() const {
  std::vector<TokenState> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek("t/"); it->Valid() && it->key().starts_with("t/"); it->Next()) {
    auto t = DecodeTokenState(it->value().ToStringView());
    if (t.ok()) out.push_back(std::move(*t));
  }
  return out;
}

}  // namespace wit
