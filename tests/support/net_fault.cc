#include "tests/support/net_fault.h"

#include <fstream>
#include <regex>
#include <sstream>

#include "tests/witd_process.h"

namespace wit::testing {
namespace {

std::string Script() { return std::string(WIT_SOURCE_DIR) + "/scripts/net-fault.sh"; }

std::string Words(const std::vector<int>& ports) {
  std::string out;
  for (int p : ports) out += " " + std::to_string(p);
  return out;
}

}  // namespace

StatusOr<std::unique_ptr<NetFault>> NetFault::Up(const std::vector<int>& ports) {
  CommandResult r = RunCommand(Script() + " up" + Words(ports));
  std::unique_ptr<NetFault> net(new NetFault());
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("NETNS=", 0) == 0) net->name_ = line.substr(6);
    if (line.rfind("NS_ADDR=", 0) == 0) net->address_ = line.substr(8);
  }
  if (r.exit_code != 0 || net->name_.empty() || net->address_.empty()) {
    if (!net->name_.empty()) RunCommand(Script() + " down " + net->name_);
    net->name_.clear();
    return Status::FailedPrecondition("net-fault.sh up failed: " + r.out + r.err);
  }
  return net;
}

NetFault::~NetFault() {
  if (!name_.empty()) RunCommand(Script() + " down " + name_);
}

bool NetFault::Cut(const std::vector<int>& ports) {
  return RunCommand(Script() + " cut " + name_ + Words(ports)).exit_code == 0;
}

bool NetFault::Slow(int kbit, int loss_percent) {
  return RunCommand(Script() + " slow " + name_ + " " + std::to_string(kbit) + " " +
                    std::to_string(loss_percent))
             .exit_code == 0;
}

bool NetFault::Heal() { return RunCommand(Script() + " heal " + name_).exit_code == 0; }

std::vector<int> KafkaClientPorts(const std::string& dir) {
  std::vector<int> ports;
  const std::regex listener(R"(^listeners=CLIENT://127\.0\.0\.1:(\d+),)");
  for (int id = 1;; ++id) {
    std::ifstream in(dir + "/node-" + std::to_string(id) + "/server.properties");
    if (!in) break;
    int port = 0;
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (std::regex_search(line, m, listener)) port = std::stoi(m[1]);
    }
    ports.push_back(port);
  }
  return ports;
}

}  // namespace wit::testing
