#ifndef WIT_API_METRICS_H_
#define WIT_API_METRICS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

namespace wit {

// Metrics collects counters by name and label set and renders them in the Prometheus text
// exposition format. Gauges are read through callbacks at render time. Thread-safe.
//
//   metrics.Increment("wit_http_requests_total", {{"route", "/api/tokens"}, {"status", "201"}});
class Metrics {
 public:
  using Labels = std::vector<std::pair<std::string, std::string>>;

  // Describe sets the HELP text and TYPE ("counter" or "gauge") of a metric.
  void Describe(const std::string& name, const std::string& type, const std::string& help);

  void Increment(const std::string& name, const Labels& labels = {}, uint64_t by = 1);
  // LimitSeries caps the number of label sets of `name`; once reached, counts for new label
  // sets go to one series whose label values are all "other".
  void LimitSeries(const std::string& name, size_t max_series);

  // AddGauge registers a value read at render time, as the series `labels` of `name` (a
  // family may hold several). `type` is "gauge", or "counter" for a count kept elsewhere that
  // only grows.
  void AddGauge(const std::string& name, const std::string& help, std::function<double()> read,
                const std::string& type = "gauge", const Labels& labels = {});

  // Value returns the current count of one series (0 if it never moved).
  uint64_t Value(const std::string& name, const Labels& labels = {}) const;

  std::string Render() const;

 private:
  struct Family {
    std::string type = "counter";
    std::string help;
    // Rendered label set → count. Nodes never move, so a counter found under the shared lock
    // is incremented without holding it.
    std::map<std::string, std::atomic<uint64_t>> series;
    std::map<std::string, std::function<double()>> gauges;  // rendered label set → read
    size_t max_series = SIZE_MAX;
  };
  static std::string RenderLabels(const Labels& labels);

  // Shared for the common case (the series exists), exclusive to add families and series:
  // every request increments two counters, and a plain mutex made them queue.
  mutable std::shared_mutex mu_;
  std::map<std::string, Family> families_;
};

}  // namespace wit

#endif  // WIT_API_METRICS_H_
