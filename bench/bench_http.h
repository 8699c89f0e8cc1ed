// Shared by the benchmarks that drive a real witd: a witd started on a fresh temp data dir
// through the test harness (tests/witd_process.h). They talk to it with the harness's HTTP client
// (tests/support/http_client.h) and its TrySend, which never throws: a request that got no
// answer has status 0, and is counted.
#ifndef WIT_BENCH_BENCH_HTTP_H_
#define WIT_BENCH_BENCH_HTTP_H_

#include <cstdint>
#include <memory>
#include <string>

#include "tests/witd_process.h"

namespace wit::bench {

// JsonStringField returns the string field `key` of the JSON object `body`, or "" if `body`
// is not an object or has no such string.
std::string JsonStringField(const std::string& body, const std::string& key);

// Metrics fetches witd's /metrics on `port` (Prometheus text); "" if it does not answer 200.
std::string Metrics(uint16_t port);

// MetricValue returns the value of the series `series` (a name, with its labels if it has
// any: `wit_events_appended_total{type="token.used"}`) in `metrics`; -1 if it is not there.
double MetricValue(const std::string& metrics, const std::string& series);

// BenchWitd runs a real `witd serve` (the one the build put beside the benchmarks) on a free
// loopback port with a data dir under a fresh temp dir; the destructor stops witd and removes
// the temp dir.
//
//   BenchWitd witd("write");
//   if (!witd.Start()) return 1;
//   testing::HttpClient c(witd.port(), witd.process().UserSession("alice"));
class BenchWitd {
 public:
  explicit BenchWitd(const std::string& tag);
  ~BenchWitd();
  BenchWitd(const BenchWitd&) = delete;
  BenchWitd& operator=(const BenchWitd&) = delete;

  // Start launches witd and waits until /readyz answers; on failure it prints witd's log.
  bool Start();

  uint16_t port() const { return process_->port(); }
  testing::WitdProcess& process() { return *process_; }

 private:
  std::string root_;
  std::unique_ptr<testing::WitdProcess> process_;
};

}  // namespace wit::bench

#endif  // WIT_BENCH_BENCH_HTTP_H_
