#include "common/runtime/metrics.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace aievents {
namespace {

// Upper bounds of the latency buckets, in seconds.
const std::vector<double>& Buckets() {
  static const std::vector<double> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                               0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return kBuckets;
}

std::string EscapeLabelValue(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out.append("\\n");
      continue;
    }
    out.push_back(c);
  }
  return out;
}

// Renders labels as the inside of {...}, which is also the map key.
std::string LabelKey(const MetricLabels& labels) {
  return absl::StrJoin(labels, ",", [](std::string* out, const auto& label) {
    absl::StrAppend(out, label.first, "=\"", EscapeLabelValue(label.second), "\"");
  });
}

std::string WithLabels(const std::string& name, const std::string& key,
                       const std::string& extra = "") {
  std::string inner = key;
  if (!extra.empty()) inner = inner.empty() ? extra : absl::StrCat(inner, ",", extra);
  return inner.empty() ? name : absl::StrCat(name, "{", inner, "}");
}

}  // namespace

Metrics& Metrics::Global() {
  static Metrics* metrics = new Metrics();
  return *metrics;
}

void Metrics::DescribeCounter(const std::string& name, const std::string& help) {
  std::lock_guard lock(mutex_);
  counter_help_[name] = help;
}

void Metrics::DescribeHistogram(const std::string& name, const std::string& help) {
  std::lock_guard lock(mutex_);
  histogram_help_[name] = help;
}

void Metrics::Increment(const std::string& name, const MetricLabels& labels, double by) {
  std::string key = LabelKey(labels);
  std::lock_guard lock(mutex_);
  counters_[name][key] += by;
}

void Metrics::Observe(const std::string& name, const MetricLabels& labels, double seconds) {
  std::string key = LabelKey(labels);
  std::lock_guard lock(mutex_);
  Histogram& histogram = histograms_[name][key];
  if (histogram.bucket_counts.empty()) histogram.bucket_counts.assign(Buckets().size(), 0);
  for (size_t i = 0; i < Buckets().size(); ++i) {
    if (seconds <= Buckets()[i]) histogram.bucket_counts[i] += 1;
  }
  histogram.sum += seconds;
  histogram.count += 1;
}

double Metrics::CounterValue(const std::string& name, const MetricLabels& labels) const {
  std::lock_guard lock(mutex_);
  auto it = counters_.find(name);
  if (it == counters_.end()) return 0;
  auto value = it->second.find(LabelKey(labels));
  return value == it->second.end() ? 0 : value->second;
}

std::string Metrics::RenderPrometheus() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, series] : counters_) {
    if (auto help = counter_help_.find(name); help != counter_help_.end()) {
      absl::StrAppend(&out, "# HELP ", name, " ", help->second, "\n");
    }
    absl::StrAppend(&out, "# TYPE ", name, " counter\n");
    for (const auto& [key, value] : series) {
      absl::StrAppend(&out, WithLabels(name, key), " ", value, "\n");
    }
  }
  for (const auto& [name, series] : histograms_) {
    if (auto help = histogram_help_.find(name); help != histogram_help_.end()) {
      absl::StrAppend(&out, "# HELP ", name, " ", help->second, "\n");
    }
    absl::StrAppend(&out, "# TYPE ", name, " histogram\n");
    for (const auto& [key, histogram] : series) {
      for (size_t i = 0; i < Buckets().size(); ++i) {
        absl::StrAppend(
            &out, WithLabels(name + "_bucket", key, absl::StrCat("le=\"", Buckets()[i], "\"")), " ",
            histogram.bucket_counts[i], "\n");
      }
      absl::StrAppend(&out, WithLabels(name + "_bucket", key, "le=\"+Inf\""), " ", histogram.count,
                      "\n");
      absl::StrAppend(&out, WithLabels(name + "_sum", key), " ", histogram.sum, "\n");
      absl::StrAppend(&out, WithLabels(name + "_count", key), " ", histogram.count, "\n");
    }
  }
  return out;
}

}  // namespace aievents
