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

  // Merge adds `other` (one life of the process) to this record.
  void Merge(Acknowledged& other);
};

// Load runs mixed load on witd at `port` until `*stop`: creates (30%), verifies (40%), revokes
// (20%) and lists (10%) of worker `worker`'s own tokens, as `alice` and the service `git`.
// Every success is recorded in `ack`; a request cut off by a kill records nothing.
void Load(uint16_t port, const std::string& alice, const std::string& git, int worker,
          std::atomic<bool>* stop, Acknowledged* ack);

// ExpectRevokedDoesNotVerify checks the central invariant for one revoked token: verify
// answers 200 with a JSON body whose "active" is present and false. A 401, a 500 or an empty
// body fails, instead of reading as "not active".
void ExpectRevokedDoesNotVerify(uint16_t port, const std::string& service_session,
                                const std::string& token, const std::string& context);

}  // namespace wit::testing

#endif  // WIT_TESTS_SUPPORT_ACKNOWLEDGED_H_
