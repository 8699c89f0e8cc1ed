#include "projector/usage_coalescer.h"

#include <algorithm>

#include "base/logging.h"

namespace wit {

UsageCoalescer::UsageCoalescer(KafkaEventLog* log, const TokenView* view,
                               std::unique_ptr<KafkaGroupReader> reader,
                               std::chrono::milliseconds interval)
    : log_(log),
      view_(view),
      reader_(std::move(reader)),
      interval_(interval),
      // Everything on the usage topic is a usage stream's: token.used only, never a MAC.
      gate_([](const std::string&) { return StreamRole::kUsage; }, {}, nullptr) {
  reader_->SetOnRevoke([this] { OnRevoke(); });
}

void UsageCoalescer::OnRevoke() {
  // Written and committed before another node takes the partitions over, so that it starts
  // after these uses and its writes come after them. If the write fails, nothing is committed
  // and the next owner reads the uses again. So does a view that has not caught up: what it
  // would keep out cannot be told.
  if (ViewCaughtUp(kRevokeCatchUpWait)) Flush();
  latest_.Forget();
  unsent_.clear();
  unchecked_.clear();
  next_.clear();
}

void UsageCoalescer::Start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = false;
  }
  thread_ = std::thread([this] { Run(); });
}

void UsageCoalescer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  reader_.reset();  // leaves the group: the partitions go to the other nodes at once
}

void UsageCoalescer::Run() {
  auto due = std::chrono::steady_clock::now() + interval_;
  std::vector<LogRecord> records;
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) break;
    }
    auto now = std::chrono::steady_clock::now();
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(due - now);
    records.clear();
    wait = std::clamp(wait, std::chrono::milliseconds(0), std::chrono::milliseconds(100));
    bool full = latest_.tokens() >= kMaxTokensKept;
    if (unsent_.empty() && unchecked_.empty() && !(full && catch_up_)) {
      (void)reader_->Read(kReadBatch, wait, &records);
    } else {
      // A write or a view read failed, or writing cannot start until the view catches up: read
      // no more until then, so memory stays bounded. (A rebalance waits for this member's next
      // read.)
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, wait, [this] { return stop_; });
    }
    for (LogRecord& r : records) {
      ++read_;
      uint64_t& next = next_[r.stream];
      next = std::max(next, r.offset + 1);
      SkipReason why = SkipReason::kMalformed;
      std::optional<Event> use = gate_.Admit(r, &why);
      if (!use) {
        ++skipped_;
        continue;
      }
      latest_.Add(*use, std::move(r.payload));
    }
    Watch();
    bool is_due = std::chrono::steady_clock::now() >= due || latest_.tokens() >= kMaxTokensKept;
    if (is_due && ViewCaughtUp(kCatchUpWait)) {
      Flush();
      due = std::chrono::steady_clock::now() + interval_;
    }
  }
  if (ViewCaughtUp(kRevokeCatchUpWait)) Flush();
}

bool UsageCoalescer::ViewCaughtUp(std::chrono::milliseconds wait) {
  if (!catch_up_) return true;
  auto deadline = std::chrono::steady_clock::now() + wait;
  if (!catch_up_to_) {
    StatusOr<LogPositions> end = log_->EndPositions();
    if (!end.ok()) {
      auto now = std::chrono::steady_clock::now();
      if (now - last_error_log_ >= kErrorLogInterval) {
        LogWarn("usage coalescer: cannot learn where the log ends, so writes wait: " +
                end.status().message());
        last_error_log_ = now;
      }
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_until(lock, deadline, [this] { return stop_; });
      return false;
    }
    catch_up_to_ = std::move(*end);
  }
  for (const auto& [stream, next] : *catch_up_to_) {
    if (next == 0) continue;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (!view_->WaitApplied({stream, next - 1}, std::max(left, std::chrono::milliseconds(0)))) {
      return false;
    }
  }
  catch_up_ = false;
  catch_up_to_.reset();
  return true;
}

bool UsageCoalescer::Flush() {
  // What a failed write left goes first, then what a failed view read left: the fold must see a
  // token's uses in their order.
  std::vector<KafkaRecord> records = std::move(unsent_);
  unsent_.clear();
  std::vector<LatestUses::Use> uses = std::move(unchecked_);
  unchecked_.clear();
  for (LatestUses::Use& u : latest_.Take()) uses.push_back(std::move(u));
  // What the view has folded every node has (or will) too: a use that cannot move it is left
  // out, so that it does not come after a newer record of its address.
  UsesToWrite checked = SelectUsesToWrite(
      std::move(uses), [this](const std::string& id) { return view_->GetById(id); });
  superseded_ += checked.superseded;
  for (LatestUses::Use& u : checked.write) {
    KafkaRecord r{log_->lastused_topic(), u.token_id + "/" + u.user_id + "/" + u.ip,
                  std::move(u.payload), ""};
    r.partition = log_->LastUsedPartition(u.token_id);
    records.push_back(std::move(r));
  }
  unchecked_ = std::move(checked.unchecked);
  if (!unchecked_.empty()) {
    ++view_read_failures_;
    auto now = std::chrono::steady_clock::now();
    if (now - last_error_log_ >= kErrorLogInterval) {
      LogWarn("usage coalescer: cannot read the view, so " + std::to_string(unchecked_.size()) +
              " uses wait: " + checked.read_error.message());
      last_error_log_ = now;
    }
  }
  if (!records.empty()) {
    if (Status s = log_->AppendRecords(records); !s.ok()) {
      // Nothing is committed, so the raw uses stay where a new owner would read them again.
      ++write_failures_;
      auto now = std::chrono::steady_clock::now();
      if (now - last_error_log_ >= kErrorLogInterval) {
        LogWarn("usage coalescer: cannot write " + log_->lastused_topic() +
                ", retrying: " + s.message());
        last_error_log_ = now;
      }
      unsent_ = std::move(records);
      return false;
    }
    written_ += records.size();
  }
  // The offsets read cover the unchecked uses too: nothing is committed until they are written.
  if (!unchecked_.empty()) return false;
  if (Status s = reader_->Commit(next_); !s.ok()) {
    // Another node holds some of these partitions now, and reads them again from the last
    // commit: it writes the same uses again, which changes nothing.
    LogInfo("usage coalescer: " + s.message());
  }
  next_.clear();
  return true;
}

void UsageCoalescer::Watch() {
  lag_ = reader_->Lag();
  std::vector<std::string> now = reader_->Assigned();
  if (now == assigned_) return;
  for (const std::string& s : now) {
    if (std::find(assigned_.begin(), assigned_.end(), s) == assigned_.end()) {
      // Their last owners' writes are in the log now: the view applies them before this node
      // writes for these partitions (see the class comment).
      catch_up_ = true;
      catch_up_to_.reset();
      break;
    }
  }
  std::string list;
  for (const std::string& s : now) list += (list.empty() ? "" : ", ") + s;
  LogInfo("usage coalescer: this node coalesces " + (list.empty() ? "no partition" : list));
  assigned_ = std::move(now);
  partitions_ = static_cast<int>(assigned_.size());
}

}  // namespace wit
