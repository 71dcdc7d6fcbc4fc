// The body of the three vendor mappers' targets: one delivery as the webhook receiver and the
// processor handle it. An input that does not start with '{' begins with header lines
// ("webhook-id: msg_1") up to an empty line; the rest is the body. Checks:
//  - identification and mapping fail only with INVALID_ARGUMENT (a 400 and a rejected
//    delivery), never otherwise, and mapping the same delivery twice gives the same result;
//  - a call contribution names its call, and the call's AI event (merged as the processor
//    does) meets CheckCallEvent; a standalone event passes the API's validation as the
//    processor submits it;
//  - mapping with any of the vendor's event types (a stored identity from another version of
//    the mapper, as MapDelivery allows for) fails cleanly or maps, never crashes.
#ifndef AIEVENTS_FUZZ_VENDOR_FUZZING_H_
#define AIEVENTS_FUZZ_VENDOR_FUZZING_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/domain/customer_lookup_rules.h"
#include "common/domain/event_validator.h"
#include "common/text/rfc3339.h"
#include "common/text/text.h"
#include "fuzz/call_event_checks.h"
#include "fuzz/fuzz_support.h"
#include "services/ingest/webhooks/call_merger.h"
#include "services/ingest/webhooks/vendor_mapping.h"

namespace aievents::fuzz {

inline void CheckFailure(const absl::Status& status) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument, status.ToString());
}

inline std::string DescribeMapping(const ingest::MappedDelivery& mapped) {
  const ingest::CallContribution& c = mapped.call;
  auto text = [](const std::optional<std::string>& value) { return value.value_or("-"); };
  return absl::StrCat(static_cast<int>(mapped.kind), "|", mapped.ignored_reason, "|",
                      mapped.standalone.ShortDebugString(), "|", c.call_id, "|", c.rank, "|",
                      text(c.channel), "|", text(c.direction), "|", text(c.customer_phone), "|",
                      text(c.customer_email), "|", text(c.first_name), "|", text(c.last_name), "|",
                      text(c.customer_id), "|", text(c.status), "|", text(c.summary), "|",
                      text(c.sentiment), "|", text(c.recording_url), "|", text(c.transcript), "|",
                      text(c.turn), "|", c.analysis ? c.analysis->dump() : "-", "|", c.starts_call,
                      c.ends_call);
}

// As WebhookProcessor::ProcessStandalone prepares a standalone event for validation.
inline void CheckStandalone(const v1::CreateEventRequest& request, absl::Time received_at) {
  v1::CreateEventRequest usable = request;
  *usable.mutable_customer_lookup() = UsableLookupParts(request.customer_lookup());
  if (!CheckCustomerLookup(usable.customer_lookup()).empty()) {
    usable.mutable_customer_lookup()->Clear();
    usable.mutable_customer_lookup()->set_customer_id("01a1fd11-d7e9-7006-9e48-5e3072079a3d");
  }
  usable.mutable_ai_event()->set_occurred_at(FormatRfc3339(received_at));
  absl::StatusOr<ValidatedEvent> validated = ValidateCreateEvent(usable);
  FUZZ_CHECK(validated.ok(), "the processor could never store this standalone event: " +
                                 validated.status().ToString());
}

inline void FuzzVendorDelivery(v1::WebhookVendor vendor,
                               const std::vector<std::string>& event_types, const uint8_t* data,
                               size_t size) {
  ByteReader input(data, size);
  std::map<std::string, std::string> headers;
  if (size > 0 && data[0] != '{') {
    while (!input.empty()) {
      std::string line = input.Line();
      if (line.empty()) break;
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      headers[ToLowerAscii(line.substr(0, colon))] =
          std::string(TrimAscii(std::string_view(line).substr(colon + 1)));
    }
  }
  std::string raw = input.Rest();
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(raw);  // as the receiver parses it
  } catch (const nlohmann::json::exception&) {
    return;
  }
  const absl::Time received = absl::FromUnixSeconds(1775624400);

  absl::StatusOr<ingest::DeliveryIdentity> identity =
      ingest::IdentifyDelivery(vendor, body, headers, raw);
  if (!identity.ok()) {
    CheckFailure(identity.status());
  } else {
    FUZZ_CHECK(!identity->message_id.empty(), "an identity without a message id");
    absl::StatusOr<ingest::MappedDelivery> mapped =
        ingest::MapDelivery(vendor, body, *identity, "delivery-1", received);
    absl::StatusOr<ingest::MappedDelivery> again =
        ingest::MapDelivery(vendor, body, *identity, "delivery-1", received);
    FUZZ_CHECK(mapped.ok() == again.ok() &&
                   (!mapped.ok() || DescribeMapping(*mapped) == DescribeMapping(*again)),
               "mapping the same delivery twice differs");
    if (!mapped.ok()) {
      CheckFailure(mapped.status());
    } else if (mapped->kind == ingest::MappedDelivery::Kind::kCall) {
      const ingest::CallContribution& call = mapped->call;
      FUZZ_CHECK(!call.call_id.empty() && call.rank > 0, "a contribution without its call");
      FUZZ_CHECK(call.message_id == identity->message_id &&
                     call.event_type == identity->event_type && call.received_at == received,
                 "a contribution without its delivery's identity");
      ingest::MergedCall merged = ingest::MergeContributions({call});
      CheckCallEvent(vendor, merged, ingest::BuildCallEvent(vendor, merged));
    } else if (mapped->kind == ingest::MappedDelivery::Kind::kStandalone) {
      CheckStandalone(mapped->standalone, received);
    } else {
      FUZZ_CHECK(!mapped->ignored_reason.empty(), "ignored without a reason");
    }
  }

  for (const std::string& event_type : event_types) {
    absl::StatusOr<ingest::MappedDelivery> mapped =
        ingest::MapDelivery(vendor, body, {"message-1", event_type}, "delivery-2", received);
    if (!mapped.ok()) {
      CheckFailure(mapped.status());
    } else if (mapped->kind == ingest::MappedDelivery::Kind::kCall) {
      FUZZ_CHECK(!mapped->call.call_id.empty(),
                 "a contribution without its call (" + event_type + ")");
    }
  }
}

}  // namespace aievents::fuzz

#endif  // AIEVENTS_FUZZ_VENDOR_FUZZING_H_
