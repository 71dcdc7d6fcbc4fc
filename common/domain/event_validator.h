// The AI Events API's validation rules for CreateEvent, collecting every violation (not just
// the first) with its dotted field path, and the validated, parsed event.
#ifndef AIEVENTS_COMMON_DOMAIN_EVENT_VALIDATOR_H_
#define AIEVENTS_COMMON_DOMAIN_EVENT_VALIDATOR_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "aievents/v1/ingest_service.pb.h"

namespace aievents {

constexpr size_t kMaxSourceChars = 100;
constexpr size_t kMaxSummaryChars = 500;
constexpr size_t kMaxRawPayloadChars = 5000;
constexpr size_t kMaxReferenceChars = 255;  // source_eid and idempotency_key

// A request that passed validation, with occurred_at parsed.
struct ValidatedEvent {
  v1::CustomerLookup lookup;
  v1::EventType event_type;
  std::string source;
  std::string summary;
  std::string raw_payload;
  std::optional<double> confidence;
  std::optional<std::string> source_eid;
  std::optional<std::string> idempotency_key;  // as the client sent it, if it did
  absl::Time occurred_at;
};

// Whether an event must name its customer. The API requires it; a vendor's call webhook may be
// about nobody we can identify (a withheld number), and is then stored unmatched.
enum class LookupRequirement { kRequired, kOptional };

// INVALID_ARGUMENT with a google.rpc.BadRequest naming every offending field, or the event. A
// lookup that is present is checked whatever `lookup`; kOptional only accepts its absence.
absl::StatusOr<ValidatedEvent> ValidateCreateEvent(
    const v1::CreateEventRequest& request, LookupRequirement lookup = LookupRequirement::kRequired);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_DOMAIN_EVENT_VALIDATOR_H_
