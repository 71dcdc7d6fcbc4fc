#include "services/timeline/outbound/delivery_schedule.h"

#include <algorithm>
#include <array>

namespace aievents::timeline {

Verdict Judge(std::optional<int> status_code) {
  if (status_code && *status_code >= 200 && *status_code < 300) return Verdict::kDelivered;
  if (status_code && *status_code == 410) return Verdict::kGone;
  return Verdict::kRetry;
}

std::optional<absl::Duration> RetryDelay(int attempts_made) {
  static const std::array<absl::Duration, kMaxAttempts - 1> kDelays = {
      absl::Seconds(5), absl::Minutes(5), absl::Minutes(30), absl::Hours(2),
      absl::Hours(5),   absl::Hours(10),  absl::Hours(10)};
  if (attempts_made < 1 || attempts_made >= kMaxAttempts) return std::nullopt;
  return kDelays[attempts_made - 1];
}

absl::Duration RestAfterFailures(int consecutive_failures) {
  int doublings = std::clamp(consecutive_failures - 1, 0, 20);
  return std::min(absl::Seconds(5) * (int64_t{1} << doublings), absl::Minutes(10));
}

}  // namespace aievents::timeline
