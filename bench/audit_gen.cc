// bench_audit_gen: writes one generated ledger twice, as a witd data dir (the embedded log) and
// as a JSONL file of the same records, for bench/audit_bench.sh to query with wit-audit and jq.
// Prints "token ID EVENTS" and "user ID EVENTS": a typical token and user to search for.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "bench/bench_main.h"
#include "bench/event_mix.h"
#include "ledger/embedded_event_log.h"
#include "ledger/event_codec.h"

namespace wit::bench {
namespace {

struct Options {
  uint64_t events = 1'000'000;
  std::string out;
};

int Run(const Options& o) {
  std::filesystem::create_directories(o.out + "/data");
  auto log = EmbeddedEventLog::Open(o.out + "/data/log");
  if (!log.ok()) throw std::runtime_error(log.status().message());
  std::ofstream jsonl(o.out + "/events.jsonl", std::ios::binary);
  EventMix mix(20261128);
  std::map<std::string, uint32_t> per_token;
  std::map<std::string, uint32_t> per_user;
  std::string first_token;
  std::vector<std::string> batch;
  for (uint64_t i = 0; i < o.events; ++i) {
    Event e = mix.Next();
    std::string payload = EncodeEvent(e);
    jsonl << payload << '\n';
    batch.push_back(std::move(payload));
    ++per_token[e.token_id];
    ++per_user[e.user_id];
    if (batch.size() == 10'000 || i + 1 == o.events) {
      StatusOr<uint64_t> s = (*log)->AppendPayloads(std::move(batch));
      if (!s.ok()) throw std::runtime_error(s.status().message());
      batch.clear();
    }
  }
  // The token to look for: the one with the median event count among tokens with several.
  std::vector<std::pair<uint32_t, std::string>> counts;
  for (const auto& [id, n] : per_token) {
    if (n >= 3) counts.emplace_back(n, id);
  }
  std::sort(counts.begin(), counts.end());
  const auto& [token_events, token] = counts[counts.size() / 2];
  const auto& [user, user_events] = *per_user.begin();
  std::printf("token %s %u\nuser %s %u\n", token.c_str(), token_events, user.c_str(), user_events);
  return jsonl.good() ? 0 : 1;
}

}  // namespace
}  // namespace wit::bench

int main(int argc, char** argv) {
  wit::bench::Options o;
  return wit::bench::BenchMain(
      "bench_audit_gen", "writes a generated ledger as an embedded log and as JSONL", argc, argv,
      [&](CLI::App& app) {
        app.add_option("--events", o.events, "events to generate (default 1000000)");
        app.add_option("--out", o.out, "directory to write data/ and events.jsonl into")
            ->required();
      },
      [&] { return wit::bench::Run(o); });
}
