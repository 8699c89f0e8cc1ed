#ifndef WIT_API_TOKEN_SERVICE_H_
#define WIT_API_TOKEN_SERVICE_H_

#include <array>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/metrics.h"
#include "api/use_recorder.h"
#include "ledger/event_log.h"
#include "ledger/view_freshness.h"
#include "projector/token_view.h"

namespace wit {

struct CreateRequest {
  std::string name;
  std::optional<std::vector<std::string>> scopes;  // absent: DefaultScopes()
  std::optional<int64_t> expires_in_days;  // absent: never expires (or the policy's maximum)
  std::optional<std::vector<std::string>> allowed_ips = {};  // CIDR blocks; absent: any address
  std::optional<std::vector<std::string>> resources = {};    // globs; absent: any resource
};

// LifetimePolicy is the server's rule for expiries (witd serve --max-lifetime-days,
// --require-expiry), as GitLab's maximum lifetime of access tokens: with a maximum, a token
// asked for without an expiry gets the maximum, unless an expiry is required, when it is
// refused.
struct LifetimePolicy {
  std::optional<int64_t> max_days;
  bool require_expiry = false;
};

// RevokeRequest says who revokes and why; the reason lands in the token.revoked event.
struct RevokeRequest {
  std::optional<std::string> reason;  // absent: the owner's own revocation
  std::string revoked_by;             // empty: the owner
  // A leak report's where and what kind of place (token.revoked's reportUrl, reportSource).
  std::optional<std::string> report_url = {};
  std::optional<std::string> report_source = {};
};

struct CreatedToken {
  TokenState token;
  std::string plaintext;  // returned to the creator once; never stored or logged
};

// TokenQuery selects tokens across users, for the admin routes: every criterion set must hold.
struct TokenQuery {
  std::optional<std::string> user_id;
  std::optional<std::string> status;  // active | revoked | expired
  std::optional<std::string> prefix;
  std::optional<TimeMs> created_before, created_after;  // exclusive
  std::optional<TimeMs> last_used_before;               // never-used tokens match too
  std::optional<int64_t> expiring_within_ms;            // active, expiring within this from now
  bool never_used = false;

  // Matches reports whether `t` meets every criterion at time `now`.
  bool Matches(const TokenState& t, TimeMs now) const;
};

struct RotatedToken {
  CreatedToken created;  // the new token, with its plaintext
  TokenState revoked;    // the old one, revoked with reason "rotated"
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
  // Hold the use to the token's resource limit. The API's own calls name a token id as their
  // resource, which no repository glob is about, and clear it.
  bool check_resource = true;
};

struct VerifyResult {
  bool active = false;
  // when !active: unknown | malformed | revoked | expired | insufficient_scope |
  // ip_not_allowed | resource_not_allowed, or the request's `deny`
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
  StatusOr<TokenState> Revoke(const std::string& user, const std::string& id,
                              const RevokeRequest& how = {});

  // Rotate replaces one of the user's active tokens, as GitLab's rotation: a new token with the
  // same name, scopes and limits, expiring in `expires_in_days` (absent: after as long as the
  // old one was given, or never), then the old one revoked with reason "rotated". Both are in
  // the view on return. A token that was already rotated away is a reuse: every active token
  // of its family is revoked (reason "reuse_detected") and the answer is Unauthenticated. Any
  // other revoked or expired token is FailedPrecondition.
  StatusOr<RotatedToken> Rotate(const std::string& user, const std::string& id,
                                std::optional<int64_t> expires_in_days);

  // Query returns up to `limit` tokens `query` selects, in id order after the id `after` (empty:
  // from the first); `*next` is the last one's id when more may follow, else empty.
  std::vector<TokenState> Query(const TokenQuery& query, const std::string& after, size_t limit,
                                std::string* next) const;

  // RevokeMatching revokes every unrevoked token `query` selects, among `ids` when given, one
  // token.revoked event each with `how`; returns how many, once the view reflects them all.
  StatusOr<size_t> RevokeMatching(const TokenQuery& query,
                                  const std::optional<std::vector<std::string>>& ids,
                                  const RevokeRequest& how);

  // Identify returns the token a plaintext found in a paste names, whatever its owner or
  // status, for `admin`; the lookup is recorded durably as a token.used event (service
  // "wit-admin", action "admin.identify", outcome denied with reason "admin_identify", so Last
  // Used does not move). NotFound when no token has its hash; InvalidArgument when it is no
  // wit token.
  StatusOr<TokenState> Identify(const std::string& plaintext, const std::string& admin,
                                const std::optional<std::string>& ip);

  // FindByPlaintext returns the token a plaintext names, whatever its status (NotFound when
  // none does, InvalidArgument when it is not a token): for rotation's reuse check.
  StatusOr<TokenState> FindByPlaintext(const std::string& plaintext) const;

  // SetLifetimePolicy sets the expiry rule for tokens created (or rotated) from now on. Call
  // before serving.
  void SetLifetimePolicy(const LifetimePolicy& policy) { policy_ = policy; }

  // SetFreshness makes every check of an active token (Verify, VerifyThen, and so introspection,
  // forward auth and tokens as credentials) answer Unavailable while `freshness` says the view
  // of the token's lifecycle stream may be stale: it may have missed a revocation. Null (the
  // embedded log): no check. Call before serving. REQUIRES: `freshness` outlives the service.
  void SetFreshness(const ViewFreshness* freshness) { freshness_ = freshness; }

  // Verify checks a presented token for `service` and records the use (allowed or denied) as a
  // token.used event through the UseRecorder. Unknown and malformed tokens have no token to
  // attach an event to and are only counted.
  StatusOr<VerifyResult> Verify(const std::string& service, const VerifyRequest& request);

  // VerifyThen is Verify answering through `done` (called exactly once) instead of returning.
  // A use the recorder would write durably in sync mode is queued with UseRecorder::RecordThen,
  // and `done` runs on the recorder's thread once it is durable, so the caller's thread does
  // not wait; otherwise `done` runs on this thread before VerifyThen returns. `done` must not
  // block.
  void VerifyThen(const std::string& service, const VerifyRequest& request,
                  std::function<void(StatusOr<VerifyResult>)> done);
  // VerifyWaitsForTheLog reports whether a verify's answer waits until its use is durable
  // (the recorder's sync mode), which VerifyThen then does not do on the caller's thread.
  bool VerifyWaitsForTheLog() const { return uses_->mode() == UseRecorder::Mode::kSync; }

 private:
  // Decide checks a presented token: the answer, and the use to record (none for a token that
  // is malformed or unknown).
  StatusOr<std::pair<VerifyResult, std::optional<Event>>> Decide(const std::string& service,
                                                                 const VerifyRequest& req) const;
  Status AppendAndWait(const Event& event);
  // Issue completes a token.created event prepared with the token's name, scopes and limits
  // (a fresh token, its id and expiry), appends it and returns the token once in the view.
  StatusOr<CreatedToken> Issue(Event e, std::optional<int64_t> days);
  // ResolveExpiry applies the lifetime policy to an asked-for expiry in days.
  StatusOr<std::optional<int64_t>> ResolveExpiry(std::optional<int64_t> days) const;
  // RevokeFamily revokes every active token of `family` (reuse detection); returns how many.
  StatusOr<size_t> RevokeFamily(const std::string& user, const std::string& family);

  // Redact returns `value` with every token in it redacted (RedactTokens), counting each in
  // wit_redacted_total{field}: what goes into an event never holds a plaintext.
  std::optional<std::string> Redact(std::optional<std::string> value, const char* field) const;

  LifetimePolicy policy_;
  const ViewFreshness* freshness_ = nullptr;

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
