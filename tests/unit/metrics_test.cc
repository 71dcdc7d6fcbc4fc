#include "common/runtime/metrics.h"

#include <gtest/gtest.h>

namespace aievents {
namespace {

TEST(Metrics, RendersCountersWithEveryDigit) {
  Metrics metrics;
  metrics.DescribeCounter("test_things_total", "Things counted.");
  metrics.Increment("test_things_total", {{"kind", "a"}}, 1234567);
  std::string text = metrics.RenderPrometheus();
  // The hand-written exposition printed 1.23457e+06 here.
  EXPECT_NE(text.find("test_things_total{kind=\"a\"} 1234567\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# HELP test_things_total Things counted."), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE test_things_total counter"), std::string::npos) << text;
  EXPECT_EQ(metrics.CounterValue("test_things_total", {{"kind", "a"}}), 1234567);
  EXPECT_EQ(metrics.CounterValue("test_things_total", {{"kind", "b"}}), 0);
}

TEST(Metrics, GaugesGoUpAndDown) {
  Metrics metrics;
  metrics.AddGauge("test_open", {{"pool", "p"}}, 3);
  metrics.AddGauge("test_open", {{"pool", "p"}}, -1);
  metrics.SetGauge("test_backlog", {}, 42);
  EXPECT_EQ(metrics.GaugeValue("test_open", {{"pool", "p"}}), 2);
  std::string text = metrics.RenderPrometheus();
  EXPECT_NE(text.find("# TYPE test_open gauge"), std::string::npos) << text;
  EXPECT_NE(text.find("test_open{pool=\"p\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("test_backlog 42\n"), std::string::npos) << text;
}

TEST(Metrics, HistogramsHaveCumulativeBuckets) {
  Metrics metrics;
  metrics.Observe("test_seconds", {{"route", "r"}}, 0.003);
  metrics.Observe("test_seconds", {{"route", "r"}}, 7);
  std::string text = metrics.RenderPrometheus();
  EXPECT_NE(text.find("test_seconds_bucket{route=\"r\",le=\"0.0025\"} 0\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("test_seconds_bucket{route=\"r\",le=\"0.005\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("test_seconds_bucket{route=\"r\",le=\"+Inf\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("test_seconds_count{route=\"r\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("test_seconds_sum{route=\"r\"} 7.003"), std::string::npos) << text;
}

TEST(Metrics, EscapesLabelValues) {
  Metrics metrics;
  metrics.Increment("test_escaped_total", {{"path", "a\"b\\c\nd"}});
  EXPECT_NE(metrics.RenderPrometheus().find(R"(test_escaped_total{path="a\"b\\c\nd"} 1)"),
            std::string::npos)
      << metrics.RenderPrometheus();
}

}  // namespace
}  // namespace aievents
