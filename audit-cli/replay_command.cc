#include "audit-cli/replay_command.h"

#include <deque>
#include <map>
#include <queue>
#include <string>

#include "audit-cli/event_scan.h"

namespace wit {
namespace {

// ByTime merges per-stream queues of events into one sequence ordered by occurredAt; ties and
// each stream's own order are kept.
class ByTime {
 public:
  void Add(const std::string& stream, const Event& event, std::string_view payload) {
    streams_[stream].push_back({event, std::string(payload)});
  }

  template <typename Fn>
  void Drain(Fn&& fn) {
    using Head = std::pair<TimeMs, std::deque<Item>*>;
    auto later = [](const Head& a, const Head& b) { return a.first > b.first; };
    std::priority_queue<Head, std::vector<Head>, decltype(later)> heads(later);
    for (auto& [name, items] : streams_) {
      if (!items.empty()) heads.push({items.front().event.occurred_at, &items});
    }
    while (!heads.empty()) {
      std::deque<Item>* items = heads.top().second;
      heads.pop();
      fn(items->front().event, items->front().payload);
      items->pop_front();
      if (!items->empty()) heads.push({items->front().event.occurred_at, items});
    }
    streams_.clear();
  }

 private:
  struct Item {
    Event event;
    std::string payload;
  };
  std::map<std::string, std::deque<Item>> streams_;
};

bool Stopped(const AuditIo& io) { return io.stop && io.stop->load(); }

}  // namespace

Status RunReplay(AuditSource& source, ReplayOptions& options, AuditIo& io) {
  Progress progress(io.progress, io.err);
  EventScanner scanner(&source, &options.filter, &progress);
  if (options.family) {
    if (Status s = scanner.ResolveFamilies(); !s.ok()) return s;
  }
  if (options.filter.NeedsResolving() && !source.Ordered()) {
    if (Status s = scanner.Resolve(); !s.ok()) return s;
  }
  std::unique_ptr<EventWriter> writer = EventWriter::Make(options.format, io.out);
  Status s;
  if (source.Ordered()) {
    s = scanner.Scan([&](const Event& e, std::string_view payload, const std::string&) {
      writer->Write(e, payload);
      return io.out.good();
    });
  } else {
    ByTime merge;
    s = scanner.Scan([&](const Event& e, std::string_view payload, const std::string& stream) {
      merge.Add(stream, e, payload);
      return !Stopped(io);
    });
    merge.Drain([&](const Event& e, std::string_view payload) { writer->Write(e, payload); });
  }
  io.out.flush();
  scanner.counts().Report(io.err);
  if (!s.ok() || !options.follow) return s;

  // Follow: new events are printed as they arrive, in arrival order.
  while (!Stopped(io) && io.out.good()) {
    s = scanner.Poll(std::chrono::milliseconds(250),
                     [&](const Event& e, std::string_view payload, const std::string&) {
                       writer->Write(e, payload);
                       return true;
                     });
    if (!s.ok()) return s;
    io.out.flush();
  }
  return Status::OK();
}

}  // namespace wit
