#include "api/metrics.h"

#include <sstream>

namespace wit {

std::string Metrics::RenderLabels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ",";
    out += labels[i].first + "=\"";
    for (char c : labels[i].second) {
      if (c == '\\' || c == '"') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    out += "\"";
  }
  return out + "}";
}

void Metrics::Describe(const std::string& name, const std::string& type, const std::string& help) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  Family& f = families_[name];
  f.type = type;
  f.help = help;
}

void Metrics::Increment(const std::string& name, const Labels& labels, uint64_t by) {
  std::string key = RenderLabels(labels);
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto f = families_.find(name);
    if (f != families_.end()) {
      auto s = f->second.series.find(key);
      if (s != f->second.series.end()) {
        s->second.fetch_add(by, std::memory_order_relaxed);
        return;
      }
    }
  }
  std::unique_lock<std::shared_mutex> lock(mu_);
  Family& family = families_[name];
  if (family.series.size() >= family.max_series && !family.series.count(key)) {
    // Past its limit, a family folds new label sets into one series labelled "other", so
    // label values a client chooses (its address) cannot grow memory without bound.
    Labels other = labels;
    for (auto& [label, value] : other) value = "other";
    key = RenderLabels(other);
  }
  family.series[key].fetch_add(by, std::memory_order_relaxed);
}

void Metrics::LimitSeries(const std::string& name, size_t max_series) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  families_[name].max_series = max_series;
}

void Metrics::AddGauge(const std::string& name, const std::string& help,
                       std::function<double()> read, const std::string& type,
                       const Labels& labels) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  Family& f = families_[name];
  f.type = type;
  f.help = help;
  f.gauges[RenderLabels(labels)] = std::move(read);
}

uint64_t Metrics::Value(const std::string& name, const Labels& labels) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto f = families_.find(name);
  if (f == families_.end()) return 0;
  auto s = f->second.series.find(RenderLabels(labels));
  return s == f->second.series.end() ? 0 : s->second.load();
}

std::string Metrics::Render() const {
  std::ostringstream out;
  std::shared_lock<std::shared_mutex> lock(mu_);
  for (const auto& [name, f] : families_) {
    if (!f.help.empty()) out << "# HELP " << name << " " << f.help << "\n";
    out << "# TYPE " << name << " " << f.type << "\n";
    if (!f.gauges.empty()) {
      for (const auto& [labels, read] : f.gauges) out << name << labels << " " << read() << "\n";
      continue;
    }
    if (f.series.empty()) out << name << " 0\n";
    for (const auto& [labels, value] : f.series) {
      out << name << labels << " " << value.load() << "\n";
    }
  }
  return out.str();
}

}  // namespace wit
