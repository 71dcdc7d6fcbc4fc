// Process-wide Prometheus metrics: labelled counters, gauges and latency histograms, kept in a
// prometheus-cpp registry and rendered by its text serializer for GET /metrics on the admin
// port. Names are registered on first use; Describe* gives a metric its HELP text and must come
// before the metric's first use to take effect.
#ifndef AIEVENTS_COMMON_RUNTIME_METRICS_H_
#define AIEVENTS_COMMON_RUNTIME_METRICS_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace prometheus {
class Counter;
class Gauge;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace aievents {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
 public:
  // The registry every component of a process writes to.
  static Metrics& Global();

  Metrics();
  ~Metrics();

  void DescribeCounter(const std::string& name, const std::string& help);
  void DescribeGauge(const std::string& name, const std::string& help);
  void DescribeHistogram(const std::string& name, const std::string& help);

  void Increment(const std::string& name, const MetricLabels& labels = {}, double by = 1);
  void SetGauge(const std::string& name, const MetricLabels& labels, double value);
  void AddGauge(const std::string& name, const MetricLabels& labels, double delta);
  // Records a duration in seconds.
  void Observe(const std::string& name, const MetricLabels& labels, double seconds);

  // Current values (0 when never set); for tests.
  double CounterValue(const std::string& name, const MetricLabels& labels = {}) const;
  double GaugeValue(const std::string& name, const MetricLabels& labels = {}) const;

  // The text exposition format (version 0.0.4).
  std::string RenderPrometheus() const;

 private:
  prometheus::Family<prometheus::Counter>& CounterFamily(const std::string& name);
  prometheus::Family<prometheus::Gauge>& GaugeFamily(const std::string& name);
  prometheus::Family<prometheus::Histogram>& HistogramFamily(const std::string& name);

  std::unique_ptr<prometheus::Registry> registry_;
  mutable std::mutex mutex_;  // guards the maps below; families lock themselves
  std::map<std::string, std::string> help_;
  std::map<std::string, prometheus::Family<prometheus::Counter>*> counters_;
  std::map<std::string, prometheus::Family<prometheus::Gauge>*> gauges_;
  std::map<std::string, prometheus::Family<prometheus::Histogram>*> histograms_;
  std::map<std::string, prometheus::Histogram*> histogram_cache_;  // name and labels -> series
};

}  // namespace aievents

#endif  // AIEVENTS_COMMON_RUNTIME_METRICS_H_
