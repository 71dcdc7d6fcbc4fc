#include "common/domain/event_validator.h"

#include <gtest/gtest.h>

#include "common/status/status_details.h"

namespace aievents::ingest {
namespace {

v1::CreateEventRequest Valid() {
  v1::CreateEventRequest request;
  request.mutable_customer_lookup()->set_phone("+1 (555) 867-5309");
  auto* event = request.mutable_ai_event();
  event->set_event_type(v1::EVENT_TYPE_PHONE_CALL);
  event->set_source("retell");
  event->set_summary("Customer called about delayed shipment for order #789.");
  event->set_raw_payload("{}");
  event->set_occurred_at("2026-03-10T14:30:00Z");
  return request;
}

std::vector<std::string> Fields(const v1::CreateEventRequest& request) {
  std::vector<std::string> fields;
  for (const auto& violation : GetFieldViolations(ValidateCreateEvent(request).status())) {
    fields.push_back(violation.field);
  }
  return fields;
}

TEST(EventValidator, AcceptsTheSeedExample) {
  auto request = Valid();
  request.mutable_ai_event()->set_confidence(0.92);
  auto event = ValidateCreateEvent(request);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(absl::ToUnixSeconds(event->occurred_at), 1773153000);
}

TEST(EventValidator, ReportsEveryViolation) {
  v1::CreateEventRequest request;
  request.mutable_ai_event()->set_confidence(-1);
  EXPECT_EQ(Fields(request),
            (std::vector<std::string>{"customer_lookup", "ai_event.event_type", "ai_event.source",
                                      "ai_event.summary", "ai_event.raw_payload",
                                      "ai_event.occurred_at", "ai_event.confidence"}));
}

TEST(EventValidator, AVendorEventMayNameNoCustomerButAnyLookupItHasIsChecked) {
  v1::CreateEventRequest request = Valid();
  request.clear_customer_lookup();
  EXPECT_FALSE(ValidateCreateEvent(request).ok());
  auto event = ValidateCreateEvent(request, LookupRequirement::kOptional);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_FALSE(event->lookup.has_email() || event->lookup.has_phone());
  request.mutable_customer_lookup()->set_email("not an address");
  std::vector<std::string> fields;
  for (const auto& violation :
       GetFieldViolations(ValidateCreateEvent(request, LookupRequirement::kOptional).status())) {
    fields.push_back(violation.field);
  }
  EXPECT_EQ(fields, (std::vector<std::string>{"customer_lookup.email"}));
}

TEST(EventValidator, MissingAiEvent) {
  v1::CreateEventRequest request = Valid();
  request.clear_ai_event();
  EXPECT_EQ(Fields(request), (std::vector<std::string>{"ai_event"}));
}

TEST(EventValidator, UnknownEnumNumberIsRejected) {
  auto request = Valid();
  request.mutable_ai_event()->set_event_type(static_cast<v1::EventType>(42));
  EXPECT_EQ(Fields(request), (std::vector<std::string>{"ai_event.event_type"}));
}

TEST(EventValidator, NulCharactersAreRejected) {
  auto request = Valid();
  request.mutable_ai_event()->set_summary(std::string("a\0b", 3));
  EXPECT_EQ(Fields(request), (std::vector<std::string>{"ai_event.summary"}));
}

TEST(EventValidator, ConfidenceMustBeFinite) {
  auto request = Valid();
  request.mutable_ai_event()->set_confidence(std::nan(""));
  EXPECT_EQ(Fields(request), (std::vector<std::string>{"ai_event.confidence"}));
}

}  // namespace
}  // namespace aievents::ingest
