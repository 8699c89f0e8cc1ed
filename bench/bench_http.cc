#include "bench/bench_http.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "base/flat_json.h"

namespace wit::bench {

std::string JsonStringField(const std::string& body, const std::string& key) {
  StatusOr<FlatObject> obj = ParseFlatObject(body);
  if (!obj.ok()) return "";
  const FlatValue* v = obj->Find(key);
  return v && v->type == FlatValue::Type::kString ? v->string : "";
}

std::string Metrics(uint16_t port) {
  testing::HttpClient client(port, "");
  testing::HttpResponse r = client.TrySend("GET", "/metrics");
  return r.status == 200 ? r.body : "";
}

double MetricValue(const std::string& metrics, const std::string& series) {
  const std::string line = series + " ";
  for (size_t at = metrics.find(line); at != std::string::npos; at = metrics.find(line, at + 1)) {
    if (at == 0 || metrics[at - 1] == '\n') return std::stod(metrics.substr(at + line.size()));
  }
  return -1;
}

BenchWitd::BenchWitd(const std::string& tag)
    : root_(testing::MakeTempDir("bench-" + tag)),
      process_(std::make_unique<testing::WitdProcess>(root_ + "/data")) {}

BenchWitd::~BenchWitd() {
  process_->Stop();
  std::error_code ec;
  std::filesystem::remove_all(root_, ec);  // holds witd's log too
}

bool BenchWitd::Start() {
  if (process_->Start()) return true;
  std::ifstream in(process_->log_path());
  std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::cerr << "witd did not start (" << testing::BinDir() << "/witd); its log:\n" << log << "\n";
  return false;
}

}  // namespace wit::bench
