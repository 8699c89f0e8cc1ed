#include "projector/projector.h"

#include "base/logging.h"

namespace wit {
namespace {

// Records read and applied together. A live log yields a few at a time; a rebuild or a node
// catching up gets full batches, where a token's many uses fold into one state write: 16384
// took a 400k-event rebuild from 51 to 57 thousand events/s against 4096 (bench_rebuild).
constexpr size_t kBatch = 16384;
constexpr auto kPollWait = std::chrono::milliseconds(100);

}  // namespace

Status Projector::Start() {
  StatusOr<std::unique_ptr<LogReader>> reader = log_->OpenReader(view_->Positions());
  if (!reader.ok()) return reader.status();
  reader_ = std::move(*reader);
  admitted_ = view_->Positions();
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
  apply_thread_ = std::thread([this] { ApplyQueued(); });
  return Status::OK();
}

void Projector::Stop() {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    stop_ = true;
  }
  queue_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (apply_thread_.joinable()) apply_thread_.join();
  queue_.clear();
}

uint64_t Projector::skipped() const {
  uint64_t total = 0;
  for (int i = 0; i < kSkipReasonCount; ++i) total += skipped(static_cast<SkipReason>(i));
  return total;
}

uint64_t Projector::skipped(SkipReason reason) const {
  // The view finds these as it folds, and counts them before it wakes its waiters.
  if (reason == SkipReason::kForeignUser) return view_->foreign_user_total();
  return skipped_[static_cast<int>(reason)].load();
}

void Projector::Grow(const LogRecord& record, TreeGrowth* growth) {
  if (!keep_trees_) return;
  MerkleFrontier& tree = trees_[record.stream];
  if (tree.size() == record.offset) {
    std::vector<MerkleNode> completed;
    tree.Append(MerkleLeafHash(record.payload), &completed);
    BottomTile& tile = open_tiles_[record.stream];
    tile.index = record.offset >> kUpperLevel;
    for (const MerkleNode& n : completed) {
      if (n.level < kUpperLevel) {
        tile.Add(n);
      } else {
        growth->nodes[record.stream].push_back(n);
      }
    }
    std::vector<BottomTile>& tiles = growth->tiles[record.stream];
    if (tile.full()) {
      tiles.push_back(std::move(tile));
      tile = BottomTile{};  // its index is set by the next record's Grow
    }
  } else if (tree.size() < record.offset && untreed_.insert(record.stream).second) {
    LogWarn("projector: stream " + record.stream + " holds no records below offset " +
            std::to_string(record.offset) + " (from " + std::to_string(tree.size()) +
            " on): its Merkle tree cannot be computed");
  }
}

void Projector::Frontiers(TreeGrowth* growth) const {
  for (auto& [stream, tiles] : growth->tiles) {
    growth->frontiers.emplace(stream, trees_.at(stream));
    // The tile still filling is written as it stands, with the frontier it belongs to.
    const BottomTile& open = open_tiles_.at(stream);
    if (open.width() > 0) tiles.push_back(open);
  }
}

void Projector::CatchUpTrees() {
  if (!keep_trees_) return;
  // From the view alone: after a Stop, the tiles and streams of batches admitted and never
  // applied are not the view's.
  trees_ = view_->StreamTrees();
  open_tiles_.clear();
  untreed_.clear();
  std::vector<std::string> damaged;
  for (const auto& [stream, tree] : trees_) {
    StatusOr<BottomTile> open = view_->OpenTile(stream, tree.size());
    if (open.ok()) {
      open_tiles_[stream] = std::move(*open);
      continue;
    }
    LogWarn("projector: the open tile of " + stream + ": " + open.status().message() +
            "; its tree is computed again from the start");
    damaged.push_back(stream);
  }
  for (const std::string& stream : damaged) trees_.erase(stream);  // regrown from offset 0
  LogPositions want = view_->Positions();
  LogPositions from;
  bool behind = false;
  for (const auto& [stream, offset] : want) {
    from[stream] = trees_[stream].size();
    behind |= from[stream] < offset;
  }
  if (!behind) return;
  LogInfo(
      "projector: computing the Merkle trees of the records the view applied before it "
      "kept them");
  StatusOr<std::unique_ptr<LogReader>> reader = log_->OpenReader(from);
  if (!reader.ok()) {
    LogWarn("projector: cannot read the log for the trees: " + reader.status().message());
    return;
  }
  std::vector<LogRecord> records;
  int idle = 0;
  while (!stop_ && idle < 50) {  // 50 empty reads of kPollWait: what is missing is gone
    records.clear();
    if (!(*reader)->Read(kBatch, kPollWait, &records).ok() || records.empty()) {
      ++idle;
      continue;
    }
    idle = 0;
    if (!CatchUpWith(records, want)) break;
  }
}

bool Projector::CatchUpWith(const std::vector<LogRecord>& records, const LogPositions& want) {
  TreeGrowth growth;
  for (const LogRecord& r : records) {
    auto end = want.find(r.stream);
    if (end == want.end() || r.offset >= end->second) continue;
    Grow(r, &growth);
    SkipReason why = SkipReason::kMalformed;
    if (std::optional<Event> e = gate_.Admit(r, &why)) {
      growth.events.push_back({e->event_id, {r.stream, r.offset}});
    }
  }
  // Stored batch by batch, so a long catch-up holds one batch of nodes, and one cut short
  // goes on from where it stopped at the next start.
  Frontiers(&growth);
  SortEvents(&growth);
  TokenView::ApplyStats stats;
  if (Status s = view_->Apply({}, want, &stats, growth); !s.ok()) {
    LogWarn("projector: cannot store the trees, computed again at the next start: " + s.message());
    return false;
  }
  bool more = false;
  for (const auto& [stream, offset] : want) {
    more |= !untreed_.count(stream) && trees_[stream].size() < offset;
  }
  return more;
}

void Projector::Run() {
  CatchUpTrees();
  std::vector<LogRecord> records;
  while (!stop_) {
    records.clear();
    Status s = reader_->Read(kBatch, kPollWait, &records);
    if (LogPositions end = reader_->KnownEnd(); !end.empty()) {
      std::lock_guard<std::mutex> lock(end_mu_);
      known_end_ = std::move(end);
    }
    if (!s.ok()) {
      LogWarn("projector: log read failed, retrying: " + s.message());
      std::this_thread::sleep_for(kPollWait);
      continue;
    }
    if (records.empty()) continue;
    Batch batch;
    Admit(records, &batch);
    if (!Queue(std::move(batch))) return;
  }
}

bool Projector::Queue(Batch batch) {
  std::unique_lock<std::mutex> lock(queue_mu_);
  queue_cv_.wait(lock, [this] { return stop_ || queue_.size() < kQueuedBatches; });
  if (stop_) return false;
  queue_.push_back(std::move(batch));
  lock.unlock();
  queue_cv_.notify_all();
  return true;
}

void Projector::ApplyQueued() {
  while (true) {
    Batch batch;
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      batch = std::move(queue_.front());
      queue_.pop_front();
    }
    queue_cv_.notify_all();
    // Counted before the view wakes its waiters: whoever sees the position sees the count.
    for (int i = 0; i < kSkipReasonCount; ++i) skipped_[i] += batch.skips[i];
    // A failed write leaves view and position untouched, so the same records are applied
    // again until it succeeds; re-applying is harmless because ApplyEvent is idempotent.
    while (!stop_) {
      TokenView::ApplyStats stats;
      Status s = view_->Apply(batch.events, batch.next, &stats, batch.growth);
      if (s.ok()) break;
      LogWarn("projector: view write failed, retrying: " + s.message());
      std::this_thread::sleep_for(kPollWait);
    }
  }
}

void Projector::Admit(const std::vector<LogRecord>& records, Batch* batch) {
  batch->events.reserve(records.size());
  for (const LogRecord& rec : records) {
    uint64_t& pos = admitted_[rec.stream];
    if (rec.offset < pos) continue;  // a re-delivery: admitted already
    pos = rec.offset + 1;
    Grow(rec, &batch->growth);
    SkipReason why = SkipReason::kMalformed;
    std::optional<Event> event = gate_.Admit(rec, &why);
    if (!event) {
      ++batch->skips[static_cast<int>(why)];
      LogSkip(rec, why);
      continue;
    }
    if (keep_trees_) batch->growth.events.push_back({event->event_id, {rec.stream, rec.offset}});
    batch->events.push_back(std::move(*event));
  }
  batch->next = admitted_;
  Frontiers(&batch->growth);
  SortEvents(&batch->growth);  // here, not on the applying thread
}

void Projector::LogSkip(const LogRecord& record, SkipReason reason) {
  int i = static_cast<int>(reason);
  auto now = std::chrono::steady_clock::now();
  if (last_logged_[i] != std::chrono::steady_clock::time_point{} &&
      now - last_logged_[i] < kSkipLogInterval) {
    ++unlogged_[i];
    return;
  }
  std::string more =
      unlogged_[i] ? " (and " + std::to_string(unlogged_[i]) + " more since the last report)" : "";
  std::string why;
  if (StatusOr<EventMac> mac = ParseEventMac(record.mac);
      reason == SkipReason::kOtherKey && mac.ok()) {
    // Most likely a node of this cluster with an event key of its own: its lifecycle events
    // never reach this node's view, so say loudly what to fix.
    why = " (signed with event key " + mac->KeyIdHex() + ", this node's is " + gate_.KeyId() +
          ": every node must share one --event-key-file)";
  }
  LogWarn("projector: skipped record " + record.stream + "@" + std::to_string(record.offset) +
          ": " + SkipReasonName(reason) + why + more);
  last_logged_[i] = now;
  unlogged_[i] = 0;
}

int64_t Projector::lag() const {
  LogPositions end;
  {
    std::lock_guard<std::mutex> lock(end_mu_);
    end = known_end_;
  }
  if (end.empty()) return -1;
  LogPositions applied = view_->Positions();
  int64_t lag = 0;
  for (const auto& [stream, offset] : end) {
    uint64_t done = applied.count(stream) ? applied[stream] : 0;
    if (offset > done) lag += static_cast<int64_t>(offset - done);
  }
  return lag;
}

}  // namespace wit
