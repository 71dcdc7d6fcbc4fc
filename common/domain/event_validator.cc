#include "common/domain/event_validator.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/domain/customer_lookup_rules.h"
#include "common/status/status_details.h"
#include "common/text/proto_enum_names.h"
#include "common/text/rfc3339.h"
#include "common/text/text.h"

namespace aievents {
namespace {

// Checks a required text field: present, not blank, at most `max_chars` characters.
void CheckRequiredText(const char* field, bool has, const std::string& value, size_t max_chars,
                       std::vector<FieldViolation>& violations) {
  if (!has) {
    violations.push_back({field, "is required"});
  } else if (TrimAscii(value).empty()) {
    violations.push_back({field, "must not be empty"});
  } else if (value.find('\0') != std::string::npos) {
    violations.push_back({field, "must not contain NUL (\\u0000) characters"});
  } else if (size_t length = Utf8Length(value); length > max_chars) {
    violations.push_back(
        {field, absl::StrCat("must be at most ", max_chars,
                             " characters (Unicode characters, not bytes); got ", length)});
  }
}

void CheckOptionalReference(const char* field, bool has, const std::string& value,
                            std::vector<FieldViolation>& violations) {
  if (!has) return;
  if (TrimAscii(value).empty()) {
    violations.push_back({field, "must not be empty when present (omit it instead)"});
  } else if (Utf8Length(value) > kMaxReferenceChars) {
    violations.push_back(
        {field, absl::StrCat("must be at most ", kMaxReferenceChars, " characters")});
  } else {
    for (char c : value) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        violations.push_back({field, "must not contain control characters"});
        break;
      }
    }
  }
}

}  // namespace

absl::StatusOr<ValidatedEvent> ValidateCreateEvent(const v1::CreateEventRequest& request,
                                                   LookupRequirement lookup) {
  std::vector<FieldViolation> violations;
  if (!request.has_customer_lookup()) {
    if (lookup == LookupRequirement::kRequired) {
      violations.push_back(
          {"customer_lookup",
           "is required: an object with email, phone, or both first_name and last_name"});
    }
  } else {
    for (FieldViolation& v :
         PrefixViolations("customer_lookup", CheckCustomerLookup(request.customer_lookup()))) {
      violations.push_back(std::move(v));
    }
  }
  ValidatedEvent event;
  if (!request.has_ai_event()) {
    violations.push_back({"ai_event", "is required"});
    return InvalidArgumentWithViolations(violations);
  }
  const v1::AiEventInput& input = request.ai_event();
  const auto* event_types = v1::EventType_descriptor();
  if (input.event_type() == v1::EVENT_TYPE_UNSPECIFIED ||
      !v1::EventType_IsValid(input.event_type())) {
    violations.push_back(
        {"ai_event.event_type",
         absl::StrCat(input.event_type() == v1::EVENT_TYPE_UNSPECIFIED ? "is required; " : "",
                      "must be one of ", absl::StrJoin(ShortEnumNames(event_types), ", "))});
  }
  CheckRequiredText("ai_event.source", input.has_source(), input.source(), kMaxSourceChars,
                    violations);
  CheckRequiredText("ai_event.summary", input.has_summary(), input.summary(), kMaxSummaryChars,
                    violations);
  CheckRequiredText("ai_event.raw_payload", input.has_raw_payload(), input.raw_payload(),
                    kMaxRawPayloadChars, violations);
  if (!input.has_occurred_at()) {
    violations.push_back({"ai_event.occurred_at",
                          "is required: an RFC 3339 date-time such as 2026-03-10T14:30:00Z"});
  } else {
    auto occurred_at = ParseRfc3339(input.occurred_at());
    if (occurred_at.ok()) {
      event.occurred_at = *occurred_at;
    } else {
      violations.push_back({"ai_event.occurred_at", std::string(occurred_at.status().message())});
    }
  }
  if (input.has_confidence() &&
      (!std::isfinite(input.confidence()) || input.confidence() < 0 || input.confidence() > 1)) {
    violations.push_back({"ai_event.confidence", "must be a number from 0 to 1"});
  }
  CheckOptionalReference("ai_event.source_eid", input.has_source_eid(), input.source_eid(),
                         violations);
  CheckOptionalReference("ai_event.idempotency_key", input.has_idempotency_key(),
                         input.idempotency_key(), violations);
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);

  event.lookup = request.customer_lookup();
  event.event_type = input.event_type();
  event.source = std::string(TrimAscii(input.source()));
  event.summary = input.summary();
  event.raw_payload = input.raw_payload();
  if (input.has_confidence()) event.confidence = input.confidence();
  if (input.has_source_eid()) event.source_eid = input.source_eid();
  if (input.has_idempotency_key()) event.idempotency_key = input.idempotency_key();
  return event;
}

}  // namespace aievents
