#include "services/timeline/outbound/delivery_schedule.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace aievents::timeline {

absl::StatusOr<RetrySchedule> ParseRetrySchedule(absl::string_view text) {
  RetrySchedule schedule;
  schedule.delays.clear();
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    part = absl::StripAsciiWhitespace(part);
    absl::Duration delay;
    if (!absl::ParseDuration(part, &delay) || delay < absl::Seconds(1) || delay > absl::Hours(24)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "webhook-retry-schedule: \"", part, "\" must be a duration from 1s to 24h (e.g. 5m)"));
    }
    if (!schedule.delays.empty() && delay < schedule.delays.back()) {
      return absl::InvalidArgumentError(absl::StrCat("webhook-retry-schedule: \"", part,
                                                     "\" is shorter than the delay before it"));
    }
    schedule.delays.push_back(delay);
  }
  return schedule;
}

Verdict Judge(std::optional<int> status_code) {
  if (status_code && *status_code >= 200 && *status_code < 300) return Verdict::kDelivered;
  if (status_code && *status_code == 410) return Verdict::kGone;
  return Verdict::kRetry;
}

bool HonoursRetryAfter(std::optional<int> status_code) {
  return status_code && (*status_code == 429 || *status_code == 503);
}

namespace {

absl::Duration Capped(absl::Duration retry_after, const RetrySchedule& schedule) {
  return std::clamp(retry_after, absl::Seconds(1), schedule.delays.back());
}

}  // namespace

std::optional<absl::Duration> RetryDelay(const RetrySchedule& schedule, int attempts_made,
                                         double unit_random,
                                         std::optional<absl::Duration> retry_after) {
  if (attempts_made < 1 || attempts_made >= schedule.max_attempts()) return std::nullopt;
  if (retry_after) return Capped(*retry_after, schedule);
  double factor = 1.0 + schedule.jitter * (2.0 * unit_random - 1.0);
  return schedule.delays[attempts_made - 1] * factor;
}

absl::Duration RestAfterFailures(int consecutive_failures,
                                 std::optional<absl::Duration> retry_after,
                                 const RetrySchedule& schedule) {
  int doublings = std::clamp(consecutive_failures - 1, 0, 20);
  absl::Duration rest = std::min(absl::Seconds(5) * (int64_t{1} << doublings), absl::Minutes(10));
  if (retry_after) rest = std::max(rest, Capped(*retry_after, schedule));
  return rest;
}

EndpointAfter FoldEndpointOutcomes(const EndpointBefore& before,
                                   const std::vector<EndpointOutcome>& outcomes,
                                   const RetrySchedule& schedule) {
  EndpointAfter after;
  after.consecutive_failures = before.consecutive_failures;
  bool failing_too_long = before.failing_too_long;
  std::optional<absl::Duration> last_retry_after;
  for (const EndpointOutcome& outcome : outcomes) {
    ++after.released;
    if (outcome.kind == EndpointOutcome::Kind::kUntried) continue;
    if (outcome.verdict == Verdict::kDelivered) {
      after.succeeded = true;
      after.failing = false;
      after.consecutive_failures = 0;
      failing_too_long = false;
      continue;
    }
    if (!after.failing && after.succeeded) after.failing_restarted = true;
    after.failing = true;
    ++after.consecutive_failures;
    last_retry_after = outcome.retry_after;
    if (outcome.verdict == Verdict::kGone) after.disable = "gone";
  }
  if (after.failing) {
    after.rest = RestAfterFailures(after.consecutive_failures, last_retry_after, schedule);
    if (after.disable.empty() && failing_too_long) after.disable = "failing";
  } else {
    after.failing_restarted = false;
  }
  return after;
}

}  // namespace aievents::timeline
