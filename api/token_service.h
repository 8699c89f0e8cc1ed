#ifndef WIT_API_TOKEN_SERVICE_H_
#define WIT_API_TOKEN_SERVICE_H_

#include <array>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/metrics.h"
#include "api/use_recorder.h"
#include "ledger/event_log.h"
#include "projector/token_view.h"

namespace wit {

struct CreateRequest {
  std::string name;
  std::optional<std::vector<std::string>> scopes;  // absent: DefaultScopes()
  std::optional<int64_t> expires_in_days;          // absent: never expires
};

struct CreatedToken {
  TokenState token;
  std::string plaintext;  // returned to the creator once; never stored or logged
};

struct VerifyRequest {
  std::string token;
  std::optional<std::string> scope;
  std::optional<std::string> ip;
  std::optional<std::string> user_agent;
  std::optional<std::string> action;
  std::optional<std::string> resource;
  // A reason the caller already has to deny the use (forward auth: no rule matches). The
  // token is still checked, and the use recorded as denied with it unless the token itself
  // is not active.
  std::optional<std::string> deny;
  // Record the use durably before answering, whatever the recorder's mode.
  bool durable = false;
};

struct VerifyResult {
  bool active = false;
  // when !active: unknown | malformed | revoked | expired | insufficient_scope, or the
  // request's `deny`
  std::string reason;
  TokenState token;  // when active
};

// TokenService is the ledger's use cases: every change is an event appended to the log, and
// every answer is read from the view. Create and Revoke return only once the view reflects
// their event (read-your-writes, waiting at most `visibility_timeout`). Thread-safe.
class TokenService {
 public:
  static constexpr size_t kMaxNameLength = 100;

  // REQUIRES: `log`, `view`, `uses` and `metrics` outlive the service.
  TokenService(EventLog* log, TokenView* view, UseRecorder* uses, Metrics* metrics,
               std::chrono::milliseconds visibility_timeout = std::chrono::seconds(10));

  // Create issues a new token for `user`. InvalidArgument for a bad name, scope or expiry;
  // Unavailable if the log cannot be written.
  StatusOr<CreatedToken> Create(const std::string& user, const CreateRequest& request);

  // List returns the user's tokens with the given status ("active", "revoked", "expired" or
  // "all"), newest first.
  StatusOr<std::vector<TokenState>> List(const std::string& user, const std::string& status);

  // Get returns one of the user's tokens; another user's token is NotFound, as is a missing one.
  StatusOr<TokenState> Get(const std::string& user, const std::string& id);

  // Revoke revokes one of the user's tokens. Revoking a revoked token returns it unchanged and
  // writes no second event.
  StatusOr<TokenState> Revoke(const std::string& user, const std::string& id);

  // Verify checks a presented token for `service` and records the use (allowed or denied) as a
  // token.used event through the UseRecorder. Unknown and malformed tokens have no token to
  // attach an event to and are only counted.
  StatusOr<VerifyResult> Verify(const std::string& service, const VerifyRequest& request);

 private:
  Status AppendAndWait(const Event& event);

  EventLog* log_;
  TokenView* view_;
  UseRecorder* uses_;
  Metrics* metrics_;
  std::chrono::milliseconds visibility_timeout_;
  // One revocation of a token at a time, so a double DELETE writes one event; tokens hashed to
  // different stripes revoke in parallel and share group commits.
  static constexpr size_t kRevokeStripes = 64;
  std::mutex& RevokeLock(const std::string& id);
  std::array<std::mutex, kRevokeStripes> revoke_mu_;
};

// ValidateTokenName checks a name: 1–100 characters of valid UTF-8, no control characters.
Status ValidateTokenName(const std::string& name);

}  // namespace wit

#endif  // WIT_API_TOKEN_SERVICE_H_
