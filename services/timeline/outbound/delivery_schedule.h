// When an outbound message is tried again and when an endpoint rests: the rules, apart from the
// database and the network so that they are tested alone.
//  - A message is tried at once, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (eight
//    attempts over about 27.5 hours, as Svix does; `webhook-retry-schedule` changes it), each
//    delay drawn within ±20 % so that retries of many messages spread out; then it is failed,
//    and POST /v1/webhook-endpoints/{id}:recover sends it again.
//  - Only a 2xx delivers. 410 Gone disables the endpoint (what Zapier answers for a removed
//    hook). Any other answer, a timeout or a connection failure is a failed attempt.
//  - A 429 or 503 with Retry-After is obeyed: the message's next try, and the endpoint's rest,
//    are that long (at most the schedule's longest delay) instead of the schedule's.
//  - An endpoint whose attempts fail rests (no attempt of any of its messages) for 5 s after
//    the first failure, doubling up to 10 min, so a dead endpoint costs one attempt per rest
//    and never holds the delivery threads; a success ends the rest.
//  - An endpoint without a single success for 5 days is disabled ("failing").
#ifndef AIEVENTS_SERVICES_TIMELINE_OUTBOUND_DELIVERY_SCHEDULE_H_
#define AIEVENTS_SERVICES_TIMELINE_OUTBOUND_DELIVERY_SCHEDULE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace aievents::timeline {

inline constexpr absl::Duration kAttemptTimeout = absl::Seconds(15);
inline constexpr absl::Duration kDisableWhenFailingFor = absl::Hours(5 * 24);

struct RetrySchedule {
  // The delay after attempt 1, 2, ...: one attempt more than there are delays.
  std::vector<absl::Duration> delays = {absl::Seconds(5), absl::Minutes(5), absl::Minutes(30),
                                        absl::Hours(2),   absl::Hours(5),   absl::Hours(10),
                                        absl::Hours(10)};
  // Each delay is drawn uniformly within ±jitter of its value.
  double jitter = 0.2;

  int max_attempts() const { return static_cast<int>(delays.size()) + 1; }
};

// "5s,5m,30m,2h,5h,10h,10h": at least one delay, each from 1 s to 24 h, none shorter than the
// one before; INVALID_ARGUMENT naming the rule otherwise.
absl::StatusOr<RetrySchedule> ParseRetrySchedule(absl::string_view text);

enum class Verdict { kDelivered, kRetry, kGone };

// What an answer (or none: nullopt) means.
Verdict Judge(std::optional<int> status_code);

// How long after attempt number `attempts_made` (1 = the first) the message is tried again;
// nullopt when that was the last. `unit_random` in [0, 1) places it within the jitter.
// `retry_after` (from a 429 or 503 answer) replaces the schedule's delay, capped at its longest.
std::optional<absl::Duration> RetryDelay(const RetrySchedule& schedule, int attempts_made,
                                         double unit_random,
                                         std::optional<absl::Duration> retry_after = std::nullopt);

// How long an endpoint rests after `consecutive_failures` (>= 1) failed attempts in a row; at
// least `retry_after` (capped as above) when the last answer asked for it.
absl::Duration RestAfterFailures(int consecutive_failures,
                                 std::optional<absl::Duration> retry_after = std::nullopt,
                                 const RetrySchedule& schedule = {});

// Only 429 and 503 answers ask a sender to wait.
bool HonoursRetryAfter(std::optional<int> status_code);

// What one recorded batch of outcomes does to an endpoint, folded in the order they came.
struct EndpointBefore {
  int consecutive_failures = 0;
  bool failing_too_long = false;  // failing for kDisableWhenFailingFor already
};
struct EndpointOutcome {
  enum class Kind { kAttempt, kUntried };  // kUntried: postponed, or final (not its fault)
  Kind kind = Kind::kAttempt;
  Verdict verdict = Verdict::kRetry;
  std::optional<absl::Duration> retry_after;
};
struct EndpointAfter {
  int released = 0;                // messages off its hands (its in_flight goes down by this)
  bool succeeded = false;          // at least one delivery: last_success_at is now
  bool failing = false;            // the last attempt failed: it rests, failing since now or before
  bool failing_restarted = false;  // a success came before that failure: failing since now
  int consecutive_failures = 0;
  absl::Duration rest;  // when failing
  std::string disable;  // "gone", "failing" or "" (stays enabled)
};
EndpointAfter FoldEndpointOutcomes(const EndpointBefore& before,
                                   const std::vector<EndpointOutcome>& outcomes,
                                   const RetrySchedule& schedule);

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_OUTBOUND_DELIVERY_SCHEDULE_H_
