// Properties of the AI event that a call's deliveries make (BuildCallEvent), shared by the call
// merger's target and the vendor mappers' targets (which feed it real mappings): what the
// header of call_merger.h promises, and what the API's validation would demand of the event.
#ifndef AIEVENTS_FUZZ_CALL_EVENT_CHECKS_H_
#define AIEVENTS_FUZZ_CALL_EVENT_CHECKS_H_

#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/domain/event_validator.h"
#include "common/text/text.h"
#include "fuzz/fuzz_support.h"
#include "services/ingest/webhooks/call_merger.h"

namespace aievents::fuzz {

// Everything an event says, for comparing two.
inline std::string Describe(const ValidatedEvent& event) {
  return absl::StrCat(event.lookup.ShortDebugString(), "|", event.event_type, "|", event.source,
                      "|", event.summary, "|", event.raw_payload, "|",
                      event.confidence.has_value() ? absl::StrCat(*event.confidence) : "-", "|",
                      event.source_eid.value_or("-"), "|", event.idempotency_key.value_or("-"), "|",
                      absl::FormatTime(event.occurred_at));
}

inline void CheckCallEvent(v1::WebhookVendor vendor, const ingest::MergedCall& call,
                           const ValidatedEvent& event) {
  const ingest::CallContribution& f = call.fields;
  FUZZ_CHECK(IsValidUtf8(event.summary) && !TrimAscii(event.summary).empty(),
             "blank summary \"" + event.summary + "\"");
  // As the API's validation demands of every stored text (libpq would cut it at a NUL).
  FUZZ_CHECK(event.summary.find('\0') == std::string::npos, "a NUL in the summary");
  FUZZ_CHECK(Utf8Length(event.summary) <= kMaxSummaryChars,
             absl::StrCat("summary of ", Utf8Length(event.summary), " characters"));
  if (f.duration_seconds.has_value()) {
    // "3 min 12 s", for the made-up summary line: never a negative or absurd number.
    std::string duration = ingest::FormatDuration(*f.duration_seconds);
    FUZZ_CHECK(duration.find('-') == std::string::npos && duration.size() < 30,
               absl::StrCat("\"", duration, "\" for a duration of ", *f.duration_seconds));
  }
  FUZZ_CHECK(IsValidUtf8(event.raw_payload), "raw_payload is not UTF-8");
  FUZZ_CHECK(Utf8Length(event.raw_payload) <= kMaxRawPayloadChars,
             absl::StrCat("raw_payload of ", Utf8Length(event.raw_payload), " characters"));
  nlohmann::json payload = nlohmann::json::parse(event.raw_payload, nullptr, false);
  FUZZ_CHECK(payload.is_object(), "raw_payload is not a JSON object: " + event.raw_payload);
  FUZZ_CHECK(event.source == ingest::VendorName(vendor), event.source);
  FUZZ_CHECK(event.source_eid == f.call_id, "source_eid is not the call id");
  FUZZ_CHECK(event.idempotency_key == ingest::CallKey(vendor, f.call_id),
             "idempotency key " + event.idempotency_key.value_or("-"));
  FUZZ_CHECK(
      event.event_type == (f.channel == "chat" ? v1::EVENT_TYPE_CHAT : v1::EVENT_TYPE_PHONE_CALL),
      "event type for channel " + f.channel.value_or("-"));
  FUZZ_CHECK(event.occurred_at == f.started_at.value_or(call.first_received),
             "occurred_at is neither the start nor the first delivery");
  if (event.confidence.has_value()) {
    FUZZ_CHECK(*event.confidence >= 0 && *event.confidence <= 1,
               absl::StrCat("confidence ", *event.confidence));
  }
}

}  // namespace aievents::fuzz

#endif  // AIEVENTS_FUZZ_CALL_EVENT_CHECKS_H_
