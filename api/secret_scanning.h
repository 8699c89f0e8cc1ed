#ifndef WIT_API_SECRET_SCANNING_H_
#define WIT_API_SECRET_SCANNING_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_request.h"
#include "base/status.h"

namespace wit {

class Metrics;
class TokenService;

// GitHubScanningKeys are the public keys GitHub signs its secret scanning alerts with, read
// from a document of the shape GitHub serves at /meta/public_keys/secret_scanning:
//   {"public_keys": [{"key_identifier": "<hex>", "key": "-----BEGIN PUBLIC KEY-----...",
//                     "is_current": true}, ...]}
// Every key must be ECDSA on P-256. Every key is accepted, current or not: GitHub signs with
// the old key for a while after it rotates. Immutable once loaded; thread-safe.
class GitHubScanningKeys {
 public:
  // Parse reads the document; InvalidArgument names what is wrong (never a key's bytes).
  static StatusOr<GitHubScanningKeys> Parse(std::string_view json);
  // Load reads the document from `path` (witd serve --github-scanning-keys).
  static StatusOr<GitHubScanningKeys> Load(const std::string& path);

  // Verify checks `signature` (base64 of a DER ECDSA signature, Github-Public-Key-Signature)
  // over `body` with the key `key_id` names (Github-Public-Key-Identifier). Unauthenticated
  // when the key is unknown or the signature does not hold.
  Status Verify(std::string_view key_id, std::string_view signature, std::string_view body) const;

  size_t size() const { return keys_.size(); }

 private:
  struct Key {
    std::string id;
    std::shared_ptr<void> key;  // EVP_PKEY
  };
  std::vector<Key> keys_;
};

// LeakReport is one match of a GitHub secret scanning alert: the token found, its type as
// GitHub names the pattern, the link to where it was found and what kind of place that is.
struct LeakReport {
  std::string token;
  std::string type;
  std::string url;
  std::string source;
};

// ParseLeakReports reads an alert's body: a JSON array of 1 to kMaxLeakReports objects
// {"token", "type", "url", "source"}, token required; other members are ignored. Any string
// longer than the schema allows or holding control characters is InvalidArgument.
constexpr size_t kMaxLeakReports = 1000;
StatusOr<std::vector<LeakReport>> ParseLeakReports(std::string_view body);

// SecretScanningRoutes serve POST /api/secret-scanning/github, GitHub's secret scanning partner
// contract: the alert's signature is checked against `keys` before anything else is read, then
// every reported wit token that is active is revoked (reason "leaked", revokedBy
// "github-secret-scanning", the report's url and source in the event), and the answer is the
// feedback array [{"token_hash", "token_type", "label": "true_positive"|"false_positive"}],
// true_positive for a token of this ledger. A bad or missing signature is 401 and nothing is
// revoked; no keys configured is 401 too.
class SecretScanningRoutes {
 public:
  static constexpr const char* kRevokedBy = "github-secret-scanning";

  // REQUIRES: what the pointers name outlives the routes; `keys` may be null.
  SecretScanningRoutes(const GitHubScanningKeys* keys, TokenService* service, Metrics* metrics)
      : keys_(keys), service_(service), metrics_(metrics) {}

  ApiReply GitHub(const ApiRequest& request, const std::string& body) const;

 private:
  const GitHubScanningKeys* keys_;
  TokenService* service_;
  Metrics* metrics_;
};

}  // namespace wit

#endif  // WIT_API_SECRET_SCANNING_H_
