#include "tests/kafka_cluster.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/witd_process.h"

namespace wit::testing {

std::string KafkaClusterScript() {
  return std::string(WIT_SOURCE_DIR) + "/scripts/kafka-cluster.sh";
}

StatusOr<std::unique_ptr<KafkaCluster>> KafkaCluster::Start(int brokers, bool sasl) {
  std::unique_ptr<KafkaCluster> c(new KafkaCluster);
  c->dir_ = MakeTempDir("kafka-cluster");
  CommandResult r = RunCommand(KafkaClusterScript() + " start " + c->dir_ + " --brokers " +
                               std::to_string(brokers) + (sasl ? " --sasl" : ""));
  std::string first = r.out.substr(0, r.out.find('\n'));
  if (r.exit_code != 0 || first.rfind("BOOTSTRAP=", 0) != 0) {
    return Status::Internal("kafka-cluster.sh start failed: " + r.out + r.err);
  }
  c->bootstrap_ = first.substr(10);
  std::ifstream users(c->dir_ + "/users.env");
  std::map<std::string, std::string> env;
  for (std::string line; std::getline(users, line);) {
    size_t eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    env[line.substr(0, eq)] = line.substr(eq + 1);
  }
  for (const char* prefix : {"ADMIN", "WITD", "SVC_GIT", "AUDIT"}) {
    std::string p = prefix;
    if (env.count(p + "_USER")) c->users_[env[p + "_USER"]] = env[p + "_PASSWORD"];
  }
  return c;
}

KafkaCluster::~KafkaCluster() {
  RunCommand(KafkaClusterScript() + " stop " + dir_);
  std::filesystem::remove_all(dir_);
}

std::string KafkaCluster::Password(const std::string& user) const {
  auto it = users_.find(user);
  return it == users_.end() ? "" : it->second;
}

std::string KafkaCluster::SaslConfig(const std::string& user, const std::string& flag) const {
  return flag + "security.protocol=SASL_PLAINTEXT " + flag + "sasl.mechanisms=SCRAM-SHA-512 " +
         flag + "sasl.username=" + user + " " + flag + "sasl.password=" + Password(user);
}

bool KafkaCluster::Kill(int id) {
  return RunCommand(KafkaClusterScript() + " kill " + dir_ + " " + std::to_string(id)).exit_code ==
         0;
}

bool KafkaCluster::Restart(int id) {
  return RunCommand(KafkaClusterScript() + " restart " + dir_ + " " + std::to_string(id))
             .exit_code == 0;
}

std::map<int, int> KafkaCluster::LeaderCounts(const std::string& topics) const {
  std::map<int, int> counts;
  std::string sasl = users_.empty() ? "" : " " + SaslConfig("admin", "-X ");
  std::istringstream names(topics);
  for (std::string topic; std::getline(names, topic, ',');) {
    CommandResult r = RunCommand("kcat -L -b " + bootstrap_ + sasl + " -t " + topic);
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      // "    partition 0, leader 2, replicas: 2,3,1, isrs: 2,3,1"
      size_t at = line.find(", leader ");
      if (line.find("partition ") == std::string::npos || at == std::string::npos) continue;
      ++counts[std::stoi(line.substr(at + 9))];
    }
  }
  return counts;
}

}  // namespace wit::testing
