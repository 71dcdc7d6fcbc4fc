// Process-wide Prometheus metrics: labelled counters and latency histograms, rendered in the
// text exposition format for GET /metrics.
#ifndef AIEVENTS_COMMON_RUNTIME_METRICS_H_
#define AIEVENTS_COMMON_RUNTIME_METRICS_H_

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace aievents {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
 public:
  // The registry every component of a process writes to.
  static Metrics& Global();

  // Registers HELP text; a metric need not be described to be used.
  void DescribeCounter(const std::string& name, const std::string& help);
  void DescribeHistogram(const std::string& name, const std::string& help);

  void Increment(const std::string& name, const MetricLabels& labels = {}, double by = 1);
  // Records a duration in seconds.
  void Observe(const std::string& name, const MetricLabels& labels, double seconds);

  // The current value of a counter (0 when never incremented); for tests.
  double CounterValue(const std::string& name, const MetricLabels& labels = {}) const;

  std::string RenderPrometheus() const;

 private:
  struct Histogram {
    std::vector<double> bucket_counts;
    double sum = 0;
    double count = 0;
  };

  mutable std::mutex mutex_;
  std::map<std::string, std::string> counter_help_;
  std::map<std::string, std::string> histogram_help_;
  std::map<std::string, std::map<std::string, double>> counters_;  // name -> labels -> value
  std::map<std::string, std::map<std::string, Histogram>> histograms_;
};

}  // namespace aievents

#endif  // AIEVENTS_COMMON_RUNTIME_METRICS_H_
