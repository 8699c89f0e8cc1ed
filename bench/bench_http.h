// Shared by the benchmarks that drive a real witd: a keep-alive HTTP client and a witd started
// on a fresh temp data dir through the test harness (tests/witd_process.h).
#ifndef WIT_BENCH_BENCH_HTTP_H_
#define WIT_BENCH_BENCH_HTTP_H_

#include <Poco/Net/HTTPClientSession.h>

#include <cstdint>
#include <memory>
#include <string>

#include "tests/witd_process.h"

namespace wit::bench {

struct HttpResult {
  int status = 0;  // 0: the request did not get an answer; `body` then holds the error
  std::string body;
};

// KeepAliveClient sends requests over one persistent connection to 127.0.0.1:`port`, with
// `Authorization: Bearer <bearer>` on each. After a transport error the next request
// reconnects. Not thread-safe: one client per thread.
class KeepAliveClient {
 public:
  KeepAliveClient(uint16_t port, std::string bearer);
  KeepAliveClient(const KeepAliveClient&) = delete;
  KeepAliveClient& operator=(const KeepAliveClient&) = delete;

  // Send issues one request (a JSON body when `body` is not empty or the method is POST) and
  // reads the whole answer. Never throws.
  HttpResult Send(const std::string& method, const std::string& path, const std::string& body = "");

 private:
  Poco::Net::HTTPClientSession session_;
  std::string bearer_;
};

// JsonStringField returns the string field `key` of the JSON object `body`, or "" if `body`
// is not an object or has no such string.
std::string JsonStringField(const std::string& body, const std::string& key);

// BenchWitd runs a real `witd serve` (the one the build put beside the benchmarks) on a free
// loopback port with a data dir under a fresh temp dir; the destructor stops witd and removes
// the temp dir.
//
//   BenchWitd witd("write");
//   if (!witd.Start()) return 1;
//   KeepAliveClient c(witd.port(), witd.process().UserSession("alice"));
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
