// bench_fleet: three witd nodes on a real Apache Kafka cluster of three brokers
// (scripts/kafka-cluster.sh, topics with replication factor 3, acks=all), under one load.
//
// For each load level of --levels (verifies/s across the fleet; 0: as fast as the clients go),
// for --seconds: --clients keep-alive clients on each node verify tokens on it, round-robin
// (paced clients keep a schedule, and a request's latency counts from when it was due, so a
// slow answer is not hidden by the requests it delayed), while one revoker creates a token on
// node i mod 3, waits until the other two show it, revokes it there, reads it on the other two
// until both show it revoked (GET /api/tokens/{id}, a read of the node's view that appends
// nothing), and pauses --revoke-every ms.
//
// Per node and level: verifies/s, p50 and p99, CPU, events its projector applied per second
// (wit_events_applied_total) and VmRSS. Across the fleet: the revocations' visibility, the time
// from sending DELETE until a node's view shows the token revoked, per node and for the later
// of the two.
// Baseline, in the same run: the events the whole fleet appends per second (its uses, and the
// revoker's creations and revocations), and the ratio applied / fleet events per node. With
// --coalesce-uses-ms 0 every node applies every event of the fleet, so that ratio is 1. By
// default (1000) the nodes coalesce the uses into tokens.lastused, each the usage partitions
// the consumer group gave it (printed with the uses it wrote per second), and apply lifecycle
// plus lastused: their apply rate then follows the tokens in use, not the verifies.
// The machine's idle CPU during each level is printed too: on a small machine the brokers, the
// nodes and the clients share it, and a busy CPU is what the latencies then measure.
// At the end: the bytes a replica keeps on disk per event of each topic (the brokers' segment
// files, divided by the replication factor and by the events the nodes appended).
// Goal: the revocation visible on all three nodes within 100 ms at p99, at every level.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "bench/bench_cluster.h"
#include "bench/bench_http.h"
#include "bench/bench_main.h"
#include "bench/bench_stats.h"
#include "ledger/event_log.h"
#include "tests/witd_process.h"

namespace wit::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kNodes = 3;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Options {
  std::vector<int> levels = {100, 300, 0};
  int seconds = 20;
  int clients = 8;
  int tokens = 30;
  int revoke_every_ms = 100;
  std::vector<std::string> kafka_config;  // witd's --kafka-config KEY=VALUE
  int coalesce_uses_ms = 1000;            // witd's --coalesce-uses-ms
};

// NodeCounts are a node's event counters at one moment, from one read of its /metrics.
struct NodeCounts {
  double applied = 0;     // wit_events_applied_total
  double uses = 0;        // wit_events_appended_total{type="token.used"}
  double lifecycle = 0;   // ... of token.created and token.revoked
  double appended = 0;    // ... of every type
  double written = 0;     // wit_lastused_written_total: uses this node's coalescer wrote
  double partitions = 0;  // wit_lastused_partitions: usage partitions it coalesces
};

NodeCounts ReadCounts(uint16_t port) {
  std::string metrics = Metrics(port);
  auto appended = [&](const char* type) {
    return std::max(
        MetricValue(metrics, std::string("wit_events_appended_total{type=\"") + type + "\"}"), 0.0);
  };
  NodeCounts c;
  c.applied = std::max(MetricValue(metrics, "wit_events_applied_total"), 0.0);
  c.uses = appended("token.used");
  c.lifecycle = appended("token.created") + appended("token.revoked");
  c.written = std::max(MetricValue(metrics, "wit_lastused_written_total"), 0.0);
  c.partitions = std::max(MetricValue(metrics, "wit_lastused_partitions"), 0.0);
  const std::string series = "\nwit_events_appended_total{";
  for (size_t at = metrics.find(series); at != std::string::npos;
       at = metrics.find(series, at + 1)) {
    size_t value = metrics.find("} ", at);
    if (value != std::string::npos) c.appended += std::stod(metrics.substr(value + 2));
  }
  return c;
}

// CpuTicks is the machine's busy and total CPU time so far, from /proc/stat.
struct CpuTicks {
  double idle = 0;
  double total = 0;
};
CpuTicks ReadCpuTicks() {
  std::ifstream stat("/proc/stat");
  std::string cpu;
  stat >> cpu;
  CpuTicks t;
  double v;
  for (int i = 0; i < 8 && stat >> v; ++i) {
    t.total += v;
    if (i == 3 || i == 4) t.idle += v;  // idle, iowait
  }
  return t;
}

// CpuSeconds is the CPU time (user and system) process `pid` has used so far; 0 if unknown.
double CpuSeconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  size_t close = text.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {  // fields 14 and 15: utime, stime
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// SegmentBytes sums the sizes of the segment files (*.log) of the partitions of `topic` under
// `dir` (every broker's log dir).
double SegmentBytes(const std::string& dir, const std::string& topic) {
  double bytes = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const std::filesystem::path& p = it->path();
    if (p.extension() == ".log" && p.parent_path().filename().string().rfind(topic + "-", 0) == 0) {
      bytes += static_cast<double>(std::filesystem::file_size(p, ec));
    }
  }
  return bytes;
}

bool Active(testing::HttpClient& client, const std::string& body) {
  return client.TrySend("POST", "/api/tokens/verify", body).body.find("\"active\":true") !=
         std::string::npos;
}

// ShowsStatus says whether the owner's GET /api/tokens/{id} on a node shows `status`.
bool ShowsStatus(testing::HttpClient& owner, const std::string& id, const std::string& status) {
  testing::HttpResponse r = owner.TrySend("GET", "/api/tokens/" + id);
  return r.status == 200 && JsonStringField(r.body, "status") == status;
}

// SleepUntil sleeps until `when` or until `stop` is set, whichever comes first.
void SleepUntil(Clock::time_point when, const std::atomic<bool>& stop) {
  constexpr auto kSlice = std::chrono::milliseconds(20);
  while (!stop && Clock::now() < when)
    std::this_thread::sleep_for(std::min<Clock::duration>(kSlice, when - Clock::now()));
}

// VerifyBody is the verify request for `token`.
std::string VerifyBody(const std::string& token) { return "{\"token\":\"" + token + "\"}"; }

// WaitKnown polls `client` until it answers `body` active, for up to 10 s.
bool WaitKnown(testing::HttpClient& client, const std::string& body) {
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < deadline) {
    if (Active(client, body)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

// What one node's clients measured in a level.
struct NodeLoad {
  std::mutex mu;
  std::vector<double> latencies_ms;
  size_t failures = 0;
};

// Revocations measured in a level: per node, the time from DELETE until its view showed the
// token revoked.
struct Revocations {
  std::vector<double> on_node[kNodes];
  std::vector<double> all;       // the later of the two other nodes
  std::vector<double> answered;  // until the DELETE answered (the node revoking had applied it)
  int not_seen = 0;              // not shown revoked within 5 s by one of them
  int failed = 0;                // create or DELETE did not answer as it should
};

class Fleet {
 public:
  Fleet(const Options& opt, std::vector<std::unique_ptr<testing::WitdProcess>> nodes)
      : opt_(opt), nodes_(std::move(nodes)) {}

  // Prepare creates the load's tokens on node 0 and waits until every node knows them.
  bool Prepare() {
    testing::HttpClient user(nodes_[0]->port(), nodes_[0]->UserSession("fleet"));
    for (int i = 0; i < opt_.tokens; ++i) {
      testing::HttpResponse r =
          user.TrySend("POST", "/api/tokens", "{\"name\":\"load-" + std::to_string(i) + "\"}");
      std::string token = JsonStringField(r.body, "token");
      if (token.empty()) return false;
      bodies_.push_back(VerifyBody(token));
    }
    for (auto& node : nodes_) {
      testing::HttpClient service(node->port(), node->ServiceSession("fleet"));
      for (const std::string& body : bodies_) {
        if (!WaitKnown(service, body)) return false;
      }
    }
    return true;
  }

  // RunLevel runs one level and prints its figures; false if a check failed.
  bool RunLevel(int level) {
    PrintHeader("fleet load: " +
                (level > 0 ? std::to_string(level) + " verifies/s across the fleet"
                           : std::string("as fast as ") + std::to_string(opt_.clients * kNodes) +
                                 " clients go") +
                ", " + std::to_string(opt_.seconds) + " s, a revocation every " +
                std::to_string(opt_.revoke_every_ms) + " ms");
    // The clients and their sessions are made before the measured time starts.
    std::vector<std::unique_ptr<testing::HttpClient>> clients;
    for (int n = 0; n < kNodes; ++n) {
      for (int c = 0; c < opt_.clients; ++c) {
        clients.push_back(std::make_unique<testing::HttpClient>(
            nodes_[n]->port(), nodes_[n]->ServiceSession("fleet")));
      }
    }
    NodeCounts before[kNodes];
    for (int n = 0; n < kNodes; ++n) before[n] = ReadCounts(nodes_[n]->port());
    CpuTicks cpu_before = ReadCpuTicks();
    double cpu_seconds_before[kNodes];
    for (int n = 0; n < kNodes; ++n) cpu_seconds_before[n] = CpuSeconds(nodes_[n]->pid());
    std::atomic<bool> stop{false};
    NodeLoad load[kNodes];
    std::vector<std::thread> threads;
    // Each client keeps its share of the level: one request every `interval`, the fleet's
    // clients staggered over one interval.
    const int total = opt_.clients * kNodes;
    auto interval = level > 0
                        ? std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(static_cast<double>(total) / level))
                        : Clock::duration::zero();
    Stopwatch watch;
    auto begin = Clock::now();
    for (int n = 0; n < kNodes; ++n) {
      for (int c = 0; c < opt_.clients; ++c) {
        int k = n * opt_.clients + c;
        threads.emplace_back([&, n, k] {
          Client(*clients[static_cast<size_t>(k)], k, begin + interval * k / total, interval, stop,
                 &load[n]);
        });
      }
    }
    Revocations revocations;
    std::thread revoker([&] { Revoke(stop, &revocations); });
    std::this_thread::sleep_for(std::chrono::seconds(opt_.seconds));
    stop = true;
    double seconds = watch.Seconds();
    CpuTicks cpu_after = ReadCpuTicks();
    double cpu_percent[kNodes];
    for (int n = 0; n < kNodes; ++n) {
      cpu_percent[n] = 100 * (CpuSeconds(nodes_[n]->pid()) - cpu_seconds_before[n]) / seconds;
    }
    for (auto& t : threads) t.join();
    revoker.join();

    // The counts after the joins: the answers still in flight at the stop are in both.
    double fleet_uses = 0, fleet_events = 0;
    for (int n = 0; n < kNodes; ++n) {
      NodeCounts now = ReadCounts(nodes_[n]->port());
      fleet_uses += now.uses - before[n].uses;
      fleet_events += now.appended - before[n].appended;
    }
    // Let every node apply what the fleet appended before reading its count.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    double applied[kNodes];
    NodeCounts after[kNodes];
    for (int n = 0; n < kNodes; ++n) {
      after[n] = ReadCounts(nodes_[n]->port());
      applied[n] = after[n].applied - before[n].applied;
    }
    bool ok = true;
    std::cout << "per node\n";
    for (int n = 0; n < kNodes; ++n) {
      LatencySummary s = Summarize(load[n].latencies_ms);
      std::ostringstream line;
      line.setf(std::ios::fixed);
      line.precision(0);
      line << "  node " << n << ": " << static_cast<double>(s.count) / seconds << " verifies/s";
      line.precision(2);
      line << ", p50 " << s.p50_ms << " ms, p99 " << s.p99_ms << " ms";
      line.precision(0);
      line << ", CPU " << cpu_percent[n] << " %";
      line << ", applied " << applied[n] / seconds << " events/s, VmRSS "
           << static_cast<double>(ProcStatusKb(nodes_[n]->pid(), "VmRSS")) / 1024 << " MiB";
      if (opt_.coalesce_uses_ms > 0) {
        line << ", coalesces " << after[n].partitions << " usage partitions, wrote "
             << (after[n].written - before[n].written) / seconds << " uses/s";
      }
      line << ", failures " << load[n].failures;
      std::cout << line.str() << "\n";
      ok = ok && load[n].failures == 0;
    }
    PrintFigure("events appended by the fleet (baseline)", fleet_events / seconds, "events/s", 0);
    PrintFigure("of which token.used", fleet_uses / seconds, "events/s", 0);
    PrintFigure("the machine's CPU idle",
                100 * (cpu_after.idle - cpu_before.idle) / (cpu_after.total - cpu_before.total),
                "%", 1);
    std::cout << "ratio against the baseline\n";
    for (int n = 0; n < kNodes; ++n) {
      PrintFigure("node " + std::to_string(n) + " applied / fleet events",
                  fleet_events > 0 ? applied[n] / fleet_events : 0, "x", 3);
    }
    std::cout << "revocation visibility (DELETE on one node until the others' views show it)\n";
    for (int n = 0; n < kNodes; ++n) {
      LatencySummary s = Summarize(revocations.on_node[n]);
      PrintFigure("node " + std::to_string(n) + " p50 / p99 (" + std::to_string(s.count) + ")",
                  s.p50_ms, "/ " + Fixed(s.p99_ms, 2, "ms"), 2);
    }
    // How much of it is the write itself: the lifecycle append (acks=all) and the revoking
    // node's own apply, before any other node could show it.
    LatencySummary answered = Summarize(revocations.answered);
    PrintFigure("DELETE answered, p50 / p99", answered.p50_ms,
                "/ " + Fixed(answered.p99_ms, 2, "ms"), 2);
    LatencySummary all = Summarize(revocations.all);
    PrintFigure("all three, p50", all.p50_ms, "ms", 2);
    PrintFigure("all three, p99", all.p99_ms, "ms", 2);
    PrintFigure("all three, max", all.max_ms, "ms", 2);
    PrintFigure("not shown revoked within 5 s", revocations.not_seen, "", 0);
    PrintFigure("create or DELETE failed", revocations.failed, "", 0);
    std::cout << "goals\n";
    PrintGoal("revocation visible on all three, p99 <= 100 ms", Fixed(all.p99_ms, 2, "ms"),
              all.count > 0 && all.p99_ms <= 100);
    return ok && revocations.not_seen == 0 && revocations.failed == 0 && all.count > 0;
  }

  // PrintTopicBytes prints the bytes per event a replica of each topic keeps, from the segment
  // files under `cluster_dir` and the events the nodes appended.
  void PrintTopicBytes(const std::string& cluster_dir) {
    double uses = 0, lifecycle = 0;
    for (auto& node : nodes_) {
      NodeCounts c = ReadCounts(node->port());
      uses += c.uses;
      lifecycle += c.lifecycle;
    }
    PrintHeader("Kafka bytes per event, one replica's segment files (replication factor 3)");
    double use_bytes = SegmentBytes(cluster_dir, std::string(kDefaultTopicPrefix) + "tokens.usage");
    double life_bytes =
        SegmentBytes(cluster_dir, std::string(kDefaultTopicPrefix) + "tokens.lifecycle");
    PrintFigure("tokens.usage: " + std::to_string(static_cast<long>(uses)) + " events",
                uses > 0 ? use_bytes / 3 / uses : 0, "bytes/event", 0);
    PrintFigure("tokens.lifecycle: " + std::to_string(static_cast<long>(lifecycle)) + " events",
                lifecycle > 0 ? life_bytes / 3 / lifecycle : 0, "bytes/event", 0);
  }

 private:
  // Client verifies on `client` until `stop`: from `first` on one request every `interval`,
  // its latency counted from when it was due; back to back when `interval` is zero.
  void Client(testing::HttpClient& client, int k, Clock::time_point first, Clock::duration interval,
              const std::atomic<bool>& stop, NodeLoad* load) {
    std::vector<double> latencies;
    size_t failures = 0;
    auto next = first;
    for (auto i = static_cast<size_t>(k); !stop; ++i) {
      Clock::time_point due = Clock::now();
      if (interval > Clock::duration::zero()) {
        SleepUntil(next, stop);
        if (stop) break;
        due = next;
        next += interval;
      }
      testing::HttpResponse r =
          client.TrySend("POST", "/api/tokens/verify", bodies_[i % bodies_.size()]);
      latencies.push_back(Ms(Clock::now() - due));
      if (r.status != 200 || r.body.find("\"active\":true") == std::string::npos) ++failures;
    }
    std::lock_guard<std::mutex> lock(load->mu);
    load->latencies_ms.insert(load->latencies_ms.end(), latencies.begin(), latencies.end());
    load->failures += failures;
  }

  // Revoke measures revocations until `stop`, one at a time, each followed by a pause.
  void Revoke(const std::atomic<bool>& stop, Revocations* out) {
    std::vector<std::unique_ptr<testing::HttpClient>> owners;
    for (auto& node : nodes_) {
      owners.push_back(
          std::make_unique<testing::HttpClient>(node->port(), node->UserSession("fleet-revoker")));
    }
    for (int i = 0; !stop; ++i) {
      RevokeOne(i % kNodes, i, owners, out);
      SleepUntil(Clock::now() + std::chrono::milliseconds(opt_.revoke_every_ms), stop);
    }
  }

  // RevokeOne creates a token on node `on`, waits until the other nodes show it active, revokes
  // it and reads it on both others, in turn, until each shows it revoked.
  void RevokeOne(int on, int i, std::vector<std::unique_ptr<testing::HttpClient>>& owners,
                 Revocations* out) {
    testing::HttpResponse created =
        owners[on]->TrySend("POST", "/api/tokens", "{\"name\":\"r" + std::to_string(i) + "\"}");
    std::string id = JsonStringField(created.body, "id");
    bool known = !id.empty();
    auto known_deadline = Clock::now() + std::chrono::seconds(10);
    for (int n = 0; known && n < kNodes; ++n) {
      while (known && n != on && !ShowsStatus(*owners[n], id, "active")) {
        known = Clock::now() < known_deadline;
      }
    }
    auto start = Clock::now();
    if (!known || owners[on]->TrySend("DELETE", "/api/tokens/" + id).status != 200) {
      ++out->failed;
      return;
    }
    out->answered.push_back(Ms(Clock::now() - start));
    // DELETE answers once node `on` applied the revocation; the others are read until both
    // show it or 5 s have passed (then the time counted is the 5 s).
    std::vector<int> pending;
    for (int n = 0; n < kNodes; ++n) {
      if (n != on) pending.push_back(n);
    }
    auto deadline = start + std::chrono::seconds(5);
    double latest = 0;
    while (!pending.empty()) {
      bool late = Clock::now() >= deadline;
      for (auto it = pending.begin(); it != pending.end();) {
        if (!late && !ShowsStatus(*owners[*it], id, "revoked")) {
          ++it;
          continue;
        }
        double ms = Ms(Clock::now() - start);
        if (late) ++out->not_seen;
        out->on_node[*it].push_back(ms);
        latest = std::max(latest, ms);
        it = pending.erase(it);
      }
    }
    out->all.push_back(latest);
  }

  const Options& opt_;
  std::vector<std::unique_ptr<testing::WitdProcess>> nodes_;
  std::vector<std::string> bodies_;
};

int Run(const Options& opt) {
  ScratchDir scratch("bench-fleet");  // removed last, after the nodes and the cluster stop
  const std::string& root = scratch.path();
  auto cluster = StartRealCluster({kDefaultTopicPrefix});
  if (!cluster.ok()) {
    std::cerr << "bench_fleet: " << cluster.status().message() << "\n";
    return 1;
  }
  std::vector<std::string> args = {"--kafka-brokers",       (*cluster)->bootstrap(),
                                   "--session-secret-file", root + "/session.key",
                                   "--event-key-file",      root + "/event.key",
                                   "--use-audit",           "sync",
                                   "--coalesce-uses-ms",    std::to_string(opt.coalesce_uses_ms)};
  for (const std::string& setting : opt.kafka_config) {
    args.emplace_back("--kafka-config");
    args.push_back(setting);
  }
  std::vector<std::unique_ptr<testing::WitdProcess>> nodes;
  for (int n = 0; n < kNodes; ++n) {
    nodes.push_back(
        std::make_unique<testing::WitdProcess>(root + "/node" + std::to_string(n), args));
    if (!nodes.back()->Start()) {
      std::cerr << "bench_fleet: witd node " << n << " did not start\n";
      return 1;
    }
  }
  std::cout << "three witd nodes (--use-audit sync) on Apache Kafka, 3 brokers, RF 3, at "
            << (*cluster)->bootstrap() << "\n";
  for (const std::string& setting : opt.kafka_config)
    std::cout << "  --kafka-config " << setting << "\n";
  std::cout << "  --coalesce-uses-ms " << opt.coalesce_uses_ms
            << (opt.coalesce_uses_ms > 0 ? " (uses applied from tokens.lastused)"
                                         : " (every node applies every raw use)")
            << "\n";
  bool ok = true;
  {
    Fleet fleet(opt, std::move(nodes));
    if (!fleet.Prepare()) {
      std::cerr << "bench_fleet: the load's tokens did not reach every node\n";
      return 1;
    }
    for (int level : opt.levels) ok = fleet.RunLevel(level) && ok;
    fleet.PrintTopicBytes((*cluster)->dir());
  }
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace wit::bench

int main(int argc, char** argv) {
  wit::bench::Options opt;
  return wit::bench::BenchMain(
      "bench_fleet", "three witd nodes on a real 3-broker Kafka cluster under one load", argc, argv,
      [&](CLI::App& app) {
        app.add_option("--levels", opt.levels,
                       "Load levels, verifies/s across the fleet (0: unpaced)")
            ->delimiter(',')
            ->capture_default_str();
        app.add_option("--kafka-config", opt.kafka_config,
                       "KEY=VALUE for every node's librdkafka clients (witd --kafka-config)");
        app.add_option("--coalesce-uses-ms", opt.coalesce_uses_ms,
                       "Every node's witd --coalesce-uses-ms (0: apply every raw use)")
            ->check(CLI::Range(0, 3600000))
            ->capture_default_str();
        wit::bench::PositiveOption(app, "--seconds", opt.seconds, "Seconds per level");
        wit::bench::PositiveOption(app, "--clients", opt.clients, "Clients per node");
        wit::bench::PositiveOption(app, "--tokens", opt.tokens, "Tokens the load verifies");
        wit::bench::PositiveOption(app, "--revoke-every", opt.revoke_every_ms,
                                   "Milliseconds between revocations");
      },
      [&] { return wit::bench::Run(opt); });
}
