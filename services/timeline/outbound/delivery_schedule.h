// When an outbound message is tried again and when an endpoint rests: the rules, apart from the
// database and the network so that they are tested alone.
//  - A message is tried at once, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (eight
//    attempts over about 27.5 hours, as Svix does); then it is failed, and
//    POST /v1/webhook-endpoints/{id}:recover sends it again.
//  - Only a 2xx delivers. 410 Gone disables the endpoint (what Zapier answers for a removed
//    hook). Any other answer, a timeout or a connection failure is a failed attempt.
//  - An endpoint whose attempts fail rests (no attempt of any of its messages) for 5 s after
//    the first failure, doubling up to 10 min, so a dead endpoint costs one attempt per rest
//    and never holds the delivery threads; a success ends the rest.
//  - An endpoint without a single success for 5 days is disabled ("failing").
#ifndef AIEVENTS_SERVICES_TIMELINE_OUTBOUND_DELIVERY_SCHEDULE_H_
#define AIEVENTS_SERVICES_TIMELINE_OUTBOUND_DELIVERY_SCHEDULE_H_

#include <optional>

#include "absl/time/time.h"

namespace aievents::timeline {

inline constexpr int kMaxAttempts = 8;
inline constexpr absl::Duration kAttemptTimeout = absl::Seconds(15);
inline constexpr absl::Duration kDisableWhenFailingFor = absl::Hours(5 * 24);

enum class Verdict { kDelivered, kRetry, kGone };

// What an answer (or none: nullopt) means.
Verdict Judge(std::optional<int> status_code);

// How long after attempt number `attempts_made` (1 = the first) the message is tried again;
// nullopt when that was the last.
std::optional<absl::Duration> RetryDelay(int attempts_made);

// How long an endpoint rests after `consecutive_failures` (>= 1) failed attempts in a row.
absl::Duration RestAfterFailures(int consecutive_failures);

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_OUTBOUND_DELIVERY_SCHEDULE_H_
