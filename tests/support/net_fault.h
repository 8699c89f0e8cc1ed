// Network faults that a test makes itself (scripts/net-fault.sh): a namespace of its own whose
// processes reach the host's loopback ports through rules the test can cut.
#ifndef WIT_TESTS_SUPPORT_NET_FAULT_H_
#define WIT_TESTS_SUPPORT_NET_FAULT_H_

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace wit::testing {

// NetFault is one network namespace joined to the host, in which 127.0.0.1:PORT reaches the
// host's 127.0.0.1:PORT for the ports given (a Kafka cluster's advertised listeners). Removed
// when destroyed.
//
//   auto net = NetFault::Up({9092, 9093, 9094});
//   WitdProcess b(dir); b.RunIn((*net)->name(), (*net)->address()); b.Start();
//   (*net)->Cut({9093});   // b loses one broker
//   (*net)->Heal();
class NetFault {
 public:
  // Up makes the namespace. FailedPrecondition with the script's words when it cannot (not
  // root, no nftables).
  static StatusOr<std::unique_ptr<NetFault>> Up(const std::vector<int>& ports);
  ~NetFault();
  NetFault(const NetFault&) = delete;
  NetFault& operator=(const NetFault&) = delete;

  const std::string& name() const { return name_; }
  // address is the namespace's own address, which the host reaches it at.
  const std::string& address() const { return address_; }

  // Cut drops every packet from the namespace to `ports`, open connections' too; Heal undoes
  // every Cut and Slow. Each returns whether the script succeeded.
  bool Cut(const std::vector<int>& ports);
  // Slow limits what leaves the namespace to `kbit` and drops `loss_percent` of it at random.
  bool Slow(int kbit, int loss_percent);
  bool Heal();

 private:
  NetFault() = default;
  std::string name_;
  std::string address_;
};

// KafkaClientPorts returns the client ports of the brokers of a cluster that
// scripts/kafka-cluster.sh started in `dir`, by node id (1..N).
std::vector<int> KafkaClientPorts(const std::string& dir);

}  // namespace wit::testing

#endif  // WIT_TESTS_SUPPORT_NET_FAULT_H_
