#ifndef WIT_TESTS_SUPPORT_ACKNOWLEDGED_H_
#define WIT_TESTS_SUPPORT_ACKNOWLEDGED_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace wit::testing {

// Acknowledged is what witd answered with success while the crash tests' load ran: what must
// survive a kill -9.
struct Acknowledged {
  std::mutex mu;
  std::map<std::string, std::string> created;  // id → plaintext
  std::set<std::string> revoked;
  std::map<std::string, int> allowed_uses;  // id → acknowledged active verifies
  int operations = 0;                       // acknowledged creates, active verifies, revokes
  int unavailable = 0;                      // 503s (each with Retry-After), kBrokersMayFail only
  int other_errors = 0;                     // any other failed answer, kBrokersMayFail only

  // Merge adds `other` (one life of the process) to this record.
  void Merge(Acknowledged& other);
};

// What the load's witd may do while it runs.
enum class LoadMode {
  // witd may be killed: a request cut off or refused records nothing, and is no failure.
  kWitdMayDie,
  // witd stays up while the brokers under it fail: every request gets an answer, a success or
  // a 503 with Retry-After. Anything else (another status, no answer, a token this worker made
  // and has not revoked that does not verify) is counted in other_errors and fails the test.
  kBrokersMayFail,
};

// Load runs mixed load on witd at `port` until `*stop`: creates (30%), verifies (40%), revokes
// (20%) and lists (10%) of worker `worker`'s own tokens, as the user session `user` and the
// service session `service`. Every success is recorded in `ack`.
void Load(uint16_t port, const std::string& user, const std::string& service, int worker,
          std::atomic<bool>* stop, Acknowledged* ack, LoadMode mode);

// ExpectRevokedDoesNotVerify checks the central invariant for one revoked token: verify
// answers 200 with a JSON body whose "active" is present and false. A 401, a 500 or an empty
// body fails, instead of reading as "not active".
void ExpectRevokedDoesNotVerify(uint16_t port, const std::string& service_session,
                                const std::string& token, const std::string& context);

}  // namespace wit::testing

#endif  // WIT_TESTS_SUPPORT_ACKNOWLEDGED_H_
