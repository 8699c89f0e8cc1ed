// bench_kafka: the ledger on Kafka (librdkafka's mock cluster, real protocol over loopback).
//
// 1. Revocation propagation: two witd nodes on one cluster; for each of --revocations tokens,
//    the time from sending DELETE to node A until node B refuses the token (B is polled with
//    verify over a keep-alive connection). Goal: p99 <= 100 ms.
// 2. Consumer apply rate: --events events (the rebuild benchmark's mix) on the Kafka topics,
//    applied by a fresh projector from the beginning; baseline in the same run: the same events
//    applied from the embedded log. Stays under the mock's ~5 MiB per partition.
#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include "bench/bench_http.h"
#include "bench/bench_stats.h"
#include "bench/event_mix.h"
#include "devkafka/mock_kafka_cluster.h"
#include "ledger/embedded_event_log.h"
#include "ledger/kafka_event_log.h"
#include "ledger/random.h"
#include "projector/projector.h"

namespace wit::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

bool Propagation(MockKafkaCluster& cluster, int revocations, const std::string& root) {
  PrintHeader("revocation propagation: DELETE on node A until node B refuses the token");
  std::vector<std::string> args = {"--kafka-brokers", cluster.Bootstraps(),
                                   "--session-secret-file", root + "/session.key",
                                   "--event-key-file", root + "/event.key"};
  testing::WitdProcess a(root + "/a", args), b(root + "/b", args);
  if (!a.Start() || !b.Start()) {
    std::cerr << "bench_kafka: a witd node did not start\n";
    return false;
  }
  KeepAliveClient on_a(a.port(), a.UserSession("bench"));
  KeepAliveClient on_b(b.port(), b.ServiceSession("bench"));
  std::vector<double> latencies;
  int failures = 0;
  for (int i = 0; i < revocations; ++i) {
    HttpResult created = on_a.Send("POST", "/api/tokens", "{\"name\":\"p" + std::to_string(i) + "\"}");
    std::string id = JsonStringField(created.body, "id");
    std::string body = "{\"token\":\"" + JsonStringField(created.body, "token") + "\"}";
    // Wait until B knows the token, so the measurement starts from an active token on B.
    auto known_deadline = Clock::now() + std::chrono::seconds(5);
    while (on_b.Send("POST", "/api/tokens/verify", body).body.find("\"active\":true") ==
               std::string::npos &&
           Clock::now() < known_deadline) {
    }
    auto start = Clock::now();
    if (on_a.Send("DELETE", "/api/tokens/" + id).status != 200) {
      ++failures;
      continue;
    }
    auto deadline = start + std::chrono::seconds(5);
    bool refused = false;
    while (!refused && Clock::now() < deadline) {
      refused = on_b.Send("POST", "/api/tokens/verify", body).body.find("\"revoked\"") !=
                std::string::npos;
    }
    if (!refused) ++failures;
    latencies.push_back(Ms(Clock::now() - start));
  }
  LatencySummary s = Summarize(latencies);
  PrintFigure("revocations measured", static_cast<double>(s.count), "", 0);
  PrintFigure("not refused within 5 s", failures, "", 0);
  PrintFigure("p50 DELETE on A -> refused on B", s.p50_ms, "ms", 2);
  PrintFigure("p99", s.p99_ms, "ms", 2);
  PrintFigure("max", s.max_ms, "ms", 2);
  std::cout << "goals\n";
  PrintGoal("revocation reaches B, p99 <= 100 ms", Fixed(s.p99_ms, 2, "ms"), s.p99_ms <= 100);
  a.Stop();
  b.Stop();
  return failures == 0;
}

// ApplyAll runs a fresh projector over `log` into a new view and returns events/s.
double ApplyAll(EventLog& log, const std::string& view_dir, size_t events,
                std::shared_ptr<const EventAuthenticator> auth) {
  auto view = TokenView::Open(view_dir);
  if (!view.ok()) return 0;
  LogPositions end = *log.EndPositions();
  Projector projector(&log, view->get(), std::move(auth));
  auto start = Clock::now();
  if (!projector.Start().ok()) return 0;
  while (!(*view)->CaughtUpWith(end)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  double seconds = Ms(Clock::now() - start) / 1000;
  projector.Stop();
  std::cout << "  applied " << (*view)->applied_total() << " of " << events << " events, skipped "
            << projector.skipped() << "\n";
  return static_cast<double>(events) / seconds;
}

bool ApplyRate(MockKafkaCluster& cluster, size_t events, const std::string& root) {
  PrintHeader("consumer apply rate: a fresh projector reading every event from the start");
  std::vector<Event> all;
  EventMix mix(42);
  for (size_t i = 0; i < events; ++i) all.push_back(mix.Next());

  auto auth = std::make_shared<const EventAuthenticator>(RandomBytes(32));
  KafkaEventLogOptions options;
  options.brokers = cluster.Bootstraps();
  options.signer = auth;
  auto kafka = KafkaEventLog::Open(options);
  auto embedded = EmbeddedEventLog::Open(root + "/embedded-log", auth);
  if (!kafka.ok() || !embedded.ok()) {
    std::cerr << "bench_kafka: cannot open the logs\n";
    return false;
  }
  for (size_t i = 0; i < all.size(); i += 1000) {
    std::vector<Event> batch(all.begin() + static_cast<std::ptrdiff_t>(i),
                             all.begin() + static_cast<std::ptrdiff_t>(std::min(i + 1000, all.size())));
    if (!(*kafka)->AppendBatch(batch, nullptr).ok() ||
        !(*embedded)->AppendBatch(batch, nullptr).ok()) {
      std::cerr << "bench_kafka: appending the events failed\n";
      return false;
    }
  }
  std::cout << "Kafka (mock cluster, 8 partitions a topic)\n";
  double on_kafka = ApplyAll(**kafka, root + "/view-kafka", events, auth);
  std::cout << "embedded log (baseline)\n";
  double on_embedded = ApplyAll(**embedded, root + "/view-embedded", events, auth);
  PrintFigure("apply rate from Kafka", on_kafka, "events/s", 0);
  PrintFigure("apply rate from the embedded log", on_embedded, "events/s", 0);
  std::cout << "ratio against the baseline\n";
  PrintFigure("Kafka / embedded", on_kafka / on_embedded, "x", 3);
  return on_kafka > 0 && on_embedded > 0;
}

}  // namespace
}  // namespace wit::bench

int main(int argc, char** argv) {
  CLI::App app{"bench_kafka: revocation propagation between nodes and consumer apply rate"};
  int revocations = 1000;
  size_t events = 50000;
  app.add_option("--revocations", revocations, "Revocations to time")->capture_default_str();
  app.add_option("--events", events, "Events for the apply rate (mind the mock's 5 MiB a partition)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  auto cluster = wit::MockKafkaCluster::Start(1, 8, "wit.");
  if (!cluster.ok()) {
    std::cerr << "bench_kafka: " << cluster.status().message() << "\n";
    return 1;
  }
  std::string root = wit::testing::MakeTempDir("bench-kafka");
  bool ok = wit::bench::Propagation(**cluster, revocations, root);
  // A cluster of its own, so the apply rate counts only its events.
  auto second = wit::MockKafkaCluster::Start(1, 8, "wit.");
  ok = second.ok() && wit::bench::ApplyRate(**second, events, root) && ok;
  std::filesystem::remove_all(root);
  return ok ? 0 : 1;
}
