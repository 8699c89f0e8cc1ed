#include "api/checkpointer.h"

namespace wit {

Checkpointer::Checkpointer(const TokenView* view, std::unique_ptr<NoteSigner> signer,
                           std::string origin, std::chrono::milliseconds interval)
    : view_(view), signer_(std::move(signer)), origin_(std::move(origin)), interval_(interval) {}

Checkpointer::~Checkpointer() { Stop(); }

void Checkpointer::Start() {
  SignNow();
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_cv_.wait_for(lock, interval_, [this] { return stop_; })) {
      lock.unlock();
      SignNow();
      lock.lock();
    }
  });
}

void Checkpointer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Checkpointer::SignNow() {
  for (const auto& [stream, tree] : view_->StreamTrees()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = latest_.find(stream);
      if (it != latest_.end() && it->second.checkpoint.size >= tree.size()) continue;
    }
    SignedCheckpoint signed_checkpoint{
        stream, {origin_ + "/" + stream, tree.size(), tree.Root()}, ""};
    signed_checkpoint.note = signer_->Sign(CheckpointText(signed_checkpoint.checkpoint));
    std::lock_guard<std::mutex> lock(mu_);
    latest_[stream] = std::move(signed_checkpoint);
  }
}

bool Checkpointer::Latest(const std::string& stream, SignedCheckpoint* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = latest_.find(stream);
  if (it == latest_.end()) return false;
  *out = it->second;
  return true;
}

std::map<std::string, SignedCheckpoint> Checkpointer::All() const {
  std::lock_guard<std::mutex> lock(mu_);
  return latest_;
}

}  // namespace wit
