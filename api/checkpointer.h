#ifndef WIT_API_CHECKPOINTER_H_
#define WIT_API_CHECKPOINTER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "ledger/checkpoint.h"
#include "projector/token_view.h"

namespace wit {

// SignedCheckpoint is one stream's latest checkpoint and its signed note.
struct SignedCheckpoint {
  std::string stream;
  Checkpoint checkpoint;
  std::string note;
};

// Checkpointer signs, at most once per `interval` and only while it grows, each stream's tree
// as the view holds it (TokenView::StreamTrees): a checkpoint with origin
// "<origin>/<stream>", signed by `signer`. The view's trees only grow, so no two checkpoints it
// signs disagree. It keeps the latest of each stream for the API. Thread-safe.
class Checkpointer {
 public:
  // REQUIRES: `view` outlives the checkpointer.
  Checkpointer(const TokenView* view, std::unique_ptr<NoteSigner> signer, std::string origin,
               std::chrono::milliseconds interval = std::chrono::seconds(1));
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Start signs what the view holds now, then every interval in a thread of its own.
  void Start();
  void Stop();

  // SignNow signs every stream that grew since its last checkpoint.
  void SignNow();

  // Latest returns the stream's latest checkpoint; false when it has none yet.
  bool Latest(const std::string& stream, SignedCheckpoint* out) const;
  std::map<std::string, SignedCheckpoint> All() const;

  std::string VerifierKey() const { return signer_->VerifierKey(); }

 private:
  const TokenView* view_;
  std::unique_ptr<NoteSigner> signer_;
  std::string origin_;
  std::chrono::milliseconds interval_;
  mutable std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;                               // guarded by mu_
  std::map<std::string, SignedCheckpoint> latest_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace wit

#endif  // WIT_API_CHECKPOINTER_H_
