// Collects latency samples and prints the percentiles every benchmark reports.
#ifndef AIEVENTS_BENCH_LATENCY_SUMMARY_H_
#define AIEVENTS_BENCH_LATENCY_SUMMARY_H_

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"

namespace aievents::bench {

class LatencySummary {
 public:
  void Add(double milliseconds) { samples_.push_back(milliseconds); }
  size_t count() const { return samples_.size(); }

  // The q-quantile (0..1) by nearest rank; 0 when there are no samples.
  double Quantile(double q) {
    if (samples_.empty()) return 0;
    if (!sorted_) {
      std::sort(samples_.begin(), samples_.end());
      sorted_ = true;
    }
    size_t rank = static_cast<size_t>(std::ceil(q * samples_.size()));
    return samples_[std::clamp<size_t>(rank, 1, samples_.size()) - 1];
  }

  // "p50_ms=... p90_ms=... p99_ms=... p999_ms=... max_ms=..."
  std::string Format() {
    return absl::StrFormat("p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f",
                           Quantile(0.5), Quantile(0.9), Quantile(0.99), Quantile(0.999),
                           Quantile(1.0));
  }

 private:
  std::vector<double> samples_;
  bool sorted_ = false;
};

}  // namespace aievents::bench

#endif  // AIEVENTS_BENCH_LATENCY_SUMMARY_H_
