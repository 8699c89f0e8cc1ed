#include "api/metrics.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

TEST(MetricsTest, RendersCountersWithLabelsInPrometheusFormat) {
  Metrics m;
  m.Describe("wit_requests_total", "counter", "Requests.");
  m.Increment("wit_requests_total", {{"route", "/a"}, {"status", "200"}});
  m.Increment("wit_requests_total", {{"route", "/a"}, {"status", "200"}}, 2);
  m.Increment("wit_requests_total", {{"route", "/b\"x"}, {"status", "404"}});
  std::string text = m.Render();
  EXPECT_NE(text.find("# HELP wit_requests_total Requests.\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE wit_requests_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("wit_requests_total{route=\"/a\",status=\"200\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("wit_requests_total{route=\"/b\\\"x\",status=\"404\"} 1\n"),
            std::string::npos);
  EXPECT_EQ(m.Value("wit_requests_total", {{"route", "/a"}, {"status", "200"}}), 3u);
  EXPECT_EQ(m.Value("wit_nothing"), 0u);
}

TEST(MetricsTest, GaugesAreReadAtRenderTime) {
  Metrics m;
  double v = 1;
  m.AddGauge("wit_lag", "Lag.", [&] { return v; });
  EXPECT_NE(m.Render().find("wit_lag 1\n"), std::string::npos);
  v = 7;
  EXPECT_NE(m.Render().find("wit_lag 7\n"), std::string::npos);
  EXPECT_NE(m.Render().find("# TYPE wit_lag gauge\n"), std::string::npos);
}

TEST(MetricsTest, ALimitedFamilyFoldsNewLabelSetsIntoOther) {
  Metrics m;
  m.LimitSeries("wit_verify_failures_total", 2);
  for (const char* client : {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.1"}) {
    m.Increment("wit_verify_failures_total", {{"client", client}});
  }
  EXPECT_EQ(m.Value("wit_verify_failures_total", {{"client", "10.0.0.1"}}), 2u);
  EXPECT_EQ(m.Value("wit_verify_failures_total", {{"client", "10.0.0.2"}}), 1u);
  EXPECT_EQ(m.Value("wit_verify_failures_total", {{"client", "other"}}), 2u);
}

}  // namespace
}  // namespace wit
