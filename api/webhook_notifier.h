#ifndef WIT_API_WEBHOOK_NOTIFIER_H_
#define WIT_API_WEBHOOK_NOTIFIER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "api/metrics.h"
#include "base/status.h"
#include "base/time_util.h"
#include "ledger/event_auth.h"
#include "ledger/event_log.h"
#include "net/server_address.h"
#include "projector/token_view.h"

namespace rocksdb {
class DB;
}

namespace wit {

// WebhookNotice is one notice as the receiver gets it: `kind` is its X-Wit-Event, `id` its
// X-Wit-Delivery (the same on every attempt, for the receiver to drop repeats), `body` the
// JSON posted.
struct WebhookNotice {
  std::string id;
  std::string kind;
  std::string body;
};

// NoticeForEvent turns a lifecycle event into its notice: token.created (token.rotated when it
// replaces another), token.revoked with its reason, token.leaked for a revocation a leak
// report made (reason "leaked"). `token` is what the view knows of the token (for a
// revocation's name and prefix), if anything. A use makes no notice.
std::optional<WebhookNotice> NoticeForEvent(const Event& event, const TokenState* token);

// ExpiryThreshold is the warning a token expiring at `expires_at` is due at time `now`: 30, 7
// or 1 (days left, the tightest threshold it is within), 0 on the day it expired (the first
// day after expiresAt), or nullopt (more than 30 days left, or expired before that day).
std::optional<int> ExpiryThreshold(TimeMs expires_at, TimeMs now);

// WebhookSignature is X-Wit-Signature-256's value, as GitHub signs its webhooks:
// "sha256=" + hex HMAC-SHA256 of the body under the secret.
std::string WebhookSignature(const std::string& secret, const std::string& body);

// WebhookNotifier sends a notice of every token event and every expiry warning to one URL
// (witd serve --webhook URL --webhook-secret-file F).
//
//  - A feeder thread follows the event log from a durable cursor, admits each record through
//    a RecordGate (a forged lifecycle record makes no notice) and writes each notice to an
//    outbox together with the cursor past it, in one RocksDB batch under `state_dir`: a
//    restart neither loses a notice nor makes one twice. The same batches keep an expiry index
//    (each active token that expires), which the feeder looks through every `expiry_scan` for
//    warnings due; each warning is recorded with its notice, so each threshold is sent once
//    per token across restarts, and never before the token's creation or after its revocation.
//  - A sender thread posts the outbox in order, one notice at a time, and deletes a notice
//    once the receiver answered 2xx; any other answer is retried after a backoff that doubles
//    up to `max_backoff`. So every notice is sent at least once, in log order (and so in
//    order per token).
//  - Nothing on the API's path waits for either: a receiver that is down fills the outbox
//    (the feeder pauses at `max_queued`, the log keeps the rest), and the API does not notice.
//
// Metrics: wit_webhook_queued (gauge), wit_webhook_deliveries_total{result}, and
// wit_webhook_notices_total{event}.
class WebhookNotifier {
 public:
  struct Options {
    std::string url;
    std::string secret;
    std::string state_dir;  // the outbox, the cursor and the warnings sent
    std::chrono::milliseconds initial_backoff{250};
    std::chrono::milliseconds max_backoff{30000};
    std::chrono::milliseconds expiry_scan{60000};
    std::chrono::milliseconds timeout{5000};  // per attempt: connect, send, answer
    size_t max_queued = 10000;
    // The clock expiry warnings are judged by. A test seam: witd leaves it at NowMs.
    std::function<TimeMs()> now = NowMs;
  };

  // REQUIRES: `log`, `view` and `metrics` outlive the notifier.
  WebhookNotifier(EventLog* log, const TokenView* view,
                  std::shared_ptr<const EventAuthenticator> auth, Metrics* metrics,
                  Options options);
  ~WebhookNotifier();
  WebhookNotifier(const WebhookNotifier&) = delete;
  WebhookNotifier& operator=(const WebhookNotifier&) = delete;

  // Start opens the state (on first use its cursor is the log's end, and its expiry index the
  // view's expiring tokens once the view has caught up, waiting up to 30 s: notices begin with
  // what happens from now on), runs a first expiry scan and starts both threads.
  Status Start();
  // Stop ends both threads once the attempt in hand is answered. Idempotent.
  void Stop();

  // queued returns how many notices wait in the outbox.
  size_t queued() const { return queued_.load(); }

  // Where names the receiver for witd's log: scheme, host and port, never the path. After a
  // Start that succeeded.
  std::string Where() const;

 private:
  // A write to the state with a batch of notices: a value to put, or nullopt to delete.
  using StateWrites = std::vector<std::pair<std::string, std::optional<std::string>>>;

  Status FirstUse();
  void Feed();
  void Send();
  // ScanExpiries queues every warning due now that was not sent before.
  Status ScanExpiries();
  // Queue writes `notices` to the outbox in one batch with `also` (the cursor, the expiry
  // index, the warnings sent).
  Status Queue(const std::vector<WebhookNotice>& notices, const StateWrites& also);
  // Deliver posts one notice; true on a 2xx answer.
  bool Deliver(const WebhookNotice& notice);
  // Sleep waits `d` or until Stop; false when stopping.
  bool Sleep(std::chrono::milliseconds d);

  EventLog* log_;
  const TokenView* view_;
  std::shared_ptr<const EventAuthenticator> auth_;
  Metrics* metrics_;
  Options options_;
  ServerAddress server_;
  std::unique_ptr<rocksdb::DB> db_;
  LogPositions cursor_;     // the feeder's own
  uint64_t next_seq_ = 0;   // guarded by mu_
  uint64_t send_from_ = 0;  // the sender's own: the first outbox entry not yet sent
  std::atomic<size_t> queued_{0};
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;  // guarded by mu_
  std::thread feeder_, sender_;
};

}  // namespace wit

#endif  // WIT_API_WEBHOOK_NOTIFIER_H_
