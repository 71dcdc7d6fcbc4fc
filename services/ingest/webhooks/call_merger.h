// One AI event per call: merges every delivery's contribution to a call, in an order that does
// not depend on arrival (lifecycle rank first), and turns the result into the event's content.
#ifndef AIEVENTS_SERVICES_INGEST_WEBHOOKS_CALL_MERGER_H_
#define AIEVENTS_SERVICES_INGEST_WEBHOOKS_CALL_MERGER_H_

#include <string>
#include <vector>

#include "common/domain/event_validator.h"
#include "services/ingest/webhooks/vendor_mapping.h"

namespace aievents::ingest {

// The merged knowledge about a call (every field as of the richest stage that had it).
struct MergedCall {
  CallContribution fields;         // merged scalars (call_id, channel, direction, ...)
  std::vector<std::string> turns;  // transcript lines, in arrival order
  std::vector<nlohmann::ordered_json> deliveries;  // {"id", "type"} per delivery, merge order
  absl::Time first_received = absl::InfiniteFuture();
  bool started = false;
  bool ended = false;
};

// Applies `contributions` in (rank, received_at, message_id) order; later stages override
// earlier ones field by field, so a late call.started never erases call.analyzed data.
MergedCall MergeContributions(std::vector<CallContribution> contributions);

// The AI event for the merged call: event_type (voice -> phone_call, chat -> chat), source (the
// vendor), source_eid (the call id), idempotency key CallKey(), occurred_at (the call's start),
// summary (the vendor's, or "Inbound AI call, 3 min 12 s"; at most 500 characters), a compact
// JSON raw_payload of at most 5000 characters, confidence, and the customer lookup.
ValidatedEvent BuildCallEvent(v1::WebhookVendor vendor, const MergedCall& call);

// "3 min 12 s", "45 s", "1 h 2 min".
std::string FormatDuration(double seconds);

// `text` cut to at most `max_chars` characters at a character boundary, "…" marking a cut.
std::string CutText(const std::string& text, size_t max_chars);

// `text` as an event's text field can hold vendor text: without NUL characters (PostgreSQL
// text has none, and libpq would cut the value there), then cut like CutText.
std::string StorableText(const std::string& text, size_t max_chars);

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_WEBHOOKS_CALL_MERGER_H_
