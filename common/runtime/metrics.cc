#include "common/runtime/metrics.h"

#include <sstream>

#include "absl/strings/str_cat.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"

namespace aievents {
namespace {

// Upper bounds of the latency buckets, in seconds.
const prometheus::Histogram::BucketBoundaries& Buckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return kBuckets;
}

prometheus::Labels ToLabels(const MetricLabels& labels) {
  return prometheus::Labels(labels.begin(), labels.end());
}

// The family called `name` in `families`, registered in `registry` when new.
template <typename T, typename Builder>
prometheus::Family<T>& FindOrAdd(std::map<std::string, prometheus::Family<T>*>& families,
                                 const std::map<std::string, std::string>& help,
                                 prometheus::Registry& registry, const std::string& name,
                                 Builder builder) {
  auto it = families.find(name);
  if (it != families.end()) return *it->second;
  auto described = help.find(name);
  prometheus::Family<T>& family = builder()
                                      .Name(name)
                                      .Help(described == help.end() ? "" : described->second)
                                      .Register(registry);
  families.emplace(name, &family);
  return family;
}

}  // namespace

Metrics& Metrics::Global() {
  static Metrics* metrics = new Metrics();
  return *metrics;
}

Metrics::Metrics() : registry_(std::make_unique<prometheus::Registry>()) {}

Metrics::~Metrics() = default;

void Metrics::DescribeCounter(const std::string& name, const std::string& help) {
  std::lock_guard lock(mutex_);
  help_.emplace(name, help);
}

void Metrics::DescribeGauge(const std::string& name, const std::string& help) {
  std::lock_guard lock(mutex_);
  help_.emplace(name, help);
}

void Metrics::DescribeHistogram(const std::string& name, const std::string& help) {
  std::lock_guard lock(mutex_);
  help_.emplace(name, help);
}

prometheus::Family<prometheus::Counter>& Metrics::CounterFamily(const std::string& name) {
  std::lock_guard lock(mutex_);
  return FindOrAdd(counters_, help_, *registry_, name, [] { return prometheus::BuildCounter(); });
}

prometheus::Family<prometheus::Gauge>& Metrics::GaugeFamily(const std::string& name) {
  std::lock_guard lock(mutex_);
  return FindOrAdd(gauges_, help_, *registry_, name, [] { return prometheus::BuildGauge(); });
}

prometheus::Family<prometheus::Histogram>& Metrics::HistogramFamily(const std::string& name) {
  std::lock_guard lock(mutex_);
  return FindOrAdd(histograms_, help_, *registry_, name,
                   [] { return prometheus::BuildHistogram(); });
}

void Metrics::Increment(const std::string& name, const MetricLabels& labels, double by) {
  CounterFamily(name).Add(ToLabels(labels)).Increment(by);
}

void Metrics::SetGauge(const std::string& name, const MetricLabels& labels, double value) {
  GaugeFamily(name).Add(ToLabels(labels)).Set(value);
}

void Metrics::AddGauge(const std::string& name, const MetricLabels& labels, double delta) {
  GaugeFamily(name).Add(ToLabels(labels)).Increment(delta);
}

void Metrics::Observe(const std::string& name, const MetricLabels& labels, double seconds) {
  // Family::Add builds a histogram (with its buckets) before it finds the existing one; the
  // cache keeps that off the path of every call.
  std::string key = name;
  for (const auto& [label, value] : labels) absl::StrAppend(&key, "\n", label, "=", value);
  prometheus::Histogram* histogram = nullptr;
  {
    std::lock_guard lock(mutex_);
    auto it = histogram_cache_.find(key);
    if (it != histogram_cache_.end()) histogram = it->second;
  }
  if (histogram == nullptr) {
    histogram = &HistogramFamily(name).Add(ToLabels(labels), Buckets());
    std::lock_guard lock(mutex_);
    histogram_cache_.emplace(key, histogram);
  }
  histogram->Observe(seconds);
}

double Metrics::CounterValue(const std::string& name, const MetricLabels& labels) const {
  std::lock_guard lock(mutex_);
  auto it = counters_.find(name);
  prometheus::Labels key = ToLabels(labels);
  if (it == counters_.end() || !it->second->Has(key)) return 0;
  return it->second->Add(key).Value();
}

double Metrics::GaugeValue(const std::string& name, const MetricLabels& labels) const {
  std::lock_guard lock(mutex_);
  auto it = gauges_.find(name);
  prometheus::Labels key = ToLabels(labels);
  if (it == gauges_.end() || !it->second->Has(key)) return 0;
  return it->second->Add(key).Value();
}

std::string Metrics::RenderPrometheus() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry_->Collect());
  return out.str();
}

}  // namespace aievents
