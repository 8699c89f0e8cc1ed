// bench_write_latency: how long a token write takes through witd. 16 client threads, each on its
// own keep-alive connection and with its own user session, create N tokens (POST /api/tokens),
// then revoke them (DELETE /api/tokens/{id}); every request's latency is recorded. witd answers
// a write only once its view reflects it, so read-your-writes is part of every figure.
//
// Baseline, measured in the same run on the same disk: the same number of threads and events
// appended straight to an EmbeddedEventLog (group commit + fsync, no HTTP, no view), the floor
// a durable write cannot go below. Goal: create and revoke p99 <= 20 ms.
//
//   bench_write_latency [--per-client N] [--clients C]
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "base/random.h"
#include "bench/bench_http.h"
#include "bench/bench_main.h"
#include "bench/bench_stats.h"
#include "ledger/embedded_event_log.h"
#include "token/token.h"

namespace wit::bench {
namespace {

constexpr double kGoalP99Ms = 20.0;

struct Options {
  int clients = 16;
  int per_client = 200;
};

// SampleCreated is a token.created event like the ones witd appends for a create.
Event SampleCreated(int thread) {
  GeneratedToken token = GenerateToken();
  Event e;
  e.type = EventType::kCreated;
  e.event_id = NewUuid();
  e.occurred_at = NowMs();
  e.token_id = NewUuid();
  e.user_id = "bench-" + std::to_string(thread);
  e.name = "bench-token";
  e.prefix = token.prefix;
  e.token_hash = token.hash;
  e.scopes = {"repo:read", "repo:write"};
  return e;
}

// MeasureLogAppends is the baseline: durable appends straight to a fresh embedded log.
PhaseResult MeasureLogAppends(const Options& opt) {
  ScratchDir dir("append");
  auto log = EmbeddedEventLog::Open(dir.path() + "/log");
  if (!log.ok()) {
    PhaseResult failed;
    failed.failures = 1;
    failed.first_error = log.status().message();
    return failed;
  }
  return RunTimedPhase(std::vector<int>(opt.clients, opt.per_client),
                       [&](int t, int) -> std::string {
                         auto pos = (*log)->Append(SampleCreated(t));
                         return pos.ok() ? "" : pos.status().message();
                       });
}

std::string Describe(const testing::HttpResponse& r) {
  return "HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 200);
}

struct WitdPhases {
  PhaseResult create;
  PhaseResult revoke;
};

// MeasureWitd runs the create phase, then the revoke phase, on `clients` keep-alive clients.
WitdPhases MeasureWitd(const Options& opt, BenchWitd& witd) {
  std::vector<std::unique_ptr<testing::HttpClient>> clients;
  clients.reserve(static_cast<size_t>(opt.clients));
  for (int t = 0; t < opt.clients; ++t) {
    clients.push_back(std::make_unique<testing::HttpClient>(
        witd.port(), witd.process().UserSession("bench-" + std::to_string(t))));
  }
  std::vector<std::vector<std::string>> ids(opt.clients, std::vector<std::string>(opt.per_client));
  std::vector<int> per_thread(opt.clients, opt.per_client);
  WitdPhases phases;
  phases.create = RunTimedPhase(per_thread, [&](int t, int i) -> std::string {
    std::string body = R"({"name":"bench-)" + std::to_string(t) + "-" + std::to_string(i) + R"("})";
    testing::HttpResponse r = clients[t]->TrySend("POST", "/api/tokens", body);
    if (r.status != 201) return "create: " + Describe(r);
    ids[t][i] = JsonStringField(r.body, "id");
    return ids[t][i].empty() ? "create: no id in " + Describe(r) : "";
  });
  phases.revoke = RunTimedPhase(per_thread, [&](int t, int i) -> std::string {
    if (ids[t][i].empty()) return "revoke: its create failed";
    testing::HttpResponse r = clients[t]->TrySend("DELETE", "/api/tokens/" + ids[t][i]);
    if (r.status != 200 || JsonStringField(r.body, "status") != "revoked") {
      return "revoke: " + Describe(r);
    }
    return "";
  });
  return phases;
}

void Report(const Options& opt, const PhaseResult& append, const WitdPhases& witd) {
  std::printf(
      "baseline: EmbeddedEventLog::Append, %d threads x %d (group commit + fsync, "
      "no HTTP, no view)\n",
      opt.clients, opt.per_client);
  PrintLatency("append", append);
  std::printf("witd over HTTP (keep-alive; answered once the view reflects the write)\n");
  PrintLatency("create", witd.create);
  PrintLatency("revoke", witd.revoke);

  double append_p99 = Summarize(append.latencies_ms).p99_ms;
  double create_p99 = Summarize(witd.create.latencies_ms).p99_ms;
  double revoke_p99 = Summarize(witd.revoke.latencies_ms).p99_ms;
  std::printf("ratios against the baseline\n");
  PrintFigure("create p99 / append p99", append_p99 > 0 ? create_p99 / append_p99 : 0, "x", 2);
  PrintFigure("revoke p99 / append p99", append_p99 > 0 ? revoke_p99 / append_p99 : 0, "x", 2);
  PrintFigure("create throughput / append", witd.create.PerSecond() / append.PerSecond(), "x", 2);
  PrintFigure("revoke throughput / append", witd.revoke.PerSecond() / append.PerSecond(), "x", 2);
  std::printf("goals\n");
  PrintGoal("create p99 <= 20 ms", Fixed(create_p99, 2, "ms"), create_p99 <= kGoalP99Ms);
  PrintGoal("revoke p99 <= 20 ms", Fixed(revoke_p99, 2, "ms"), revoke_p99 <= kGoalP99Ms);
}

int Run(const Options& opt) {
  PrintHeader("bench_write_latency: " + std::to_string(opt.clients) + " clients x " +
              std::to_string(opt.per_client) + " creates, then as many revokes");
  PhaseResult append = MeasureLogAppends(opt);
  BenchWitd witd("write");
  if (!witd.Start()) return 1;
  WitdPhases phases = MeasureWitd(opt, witd);
  Report(opt, append, phases);
  if (append.failures + phases.create.failures + phases.revoke.failures > 0) {
    std::printf("FAILED: some requests did not succeed (see above)\n");
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace wit::bench

int main(int argc, char** argv) {
  wit::bench::Options opt;
  return wit::bench::BenchMain(
      "bench_write_latency", "create/revoke latency through witd", argc, argv,
      [&](CLI::App& app) {
        wit::bench::PositiveOption(app, "--per-client", opt.per_client,
                                   "Creates (and revokes) per client");
        wit::bench::PositiveOption(app, "--clients", opt.clients,
                                   "Client threads, one keep-alive connection each");
      },
      [&] { return wit::bench::Run(opt); });
}
