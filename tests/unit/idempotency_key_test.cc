#include "common/domain/idempotency_key.h"

#include <gtest/gtest.h>

namespace aievents::ingest {
namespace {

ValidatedEvent Event() {
  v1::CreateEventRequest request;
  request.mutable_customer_lookup()->set_email("jane@example.com");
  auto* input = request.mutable_ai_event();
  input->set_event_type(v1::EVENT_TYPE_SMS);
  input->set_source("zapier");
  input->set_summary("Sent a reminder");
  input->set_raw_payload("{}");
  input->set_occurred_at("2026-03-10T14:30:00Z");
  return *ValidateCreateEvent(request);
}

TEST(IdempotencyKey, SameContentSameKey) {
  EXPECT_EQ(DeriveIdempotencyKey(Event()), DeriveIdempotencyKey(Event()));
  EXPECT_EQ(DeriveIdempotencyKey(Event()).rfind("auto-", 0), 0u);
}

TEST(IdempotencyKey, SameInstantInAnotherZoneSameKey) {
  ValidatedEvent shifted = Event();
  shifted.occurred_at = absl::FromUnixSeconds(absl::ToUnixSeconds(Event().occurred_at));
  EXPECT_EQ(DeriveIdempotencyKey(shifted), DeriveIdempotencyKey(Event()));
}

TEST(IdempotencyKey, AnyContentChangeChangesTheKey) {
  const std::string base = DeriveIdempotencyKey(Event());
  std::vector<ValidatedEvent> variants(7, Event());
  variants[0].summary += "!";
  variants[1].raw_payload = "{\"a\":1}";
  variants[2].source = "retell";
  variants[3].event_type = v1::EVENT_TYPE_EMAIL;
  variants[4].confidence = 0.5;
  variants[5].source_eid = "run-1";
  variants[6].lookup.set_phone("+15558675309");
  for (const ValidatedEvent& variant : variants) {
    EXPECT_NE(DeriveIdempotencyKey(variant), base);
  }
}

TEST(IdempotencyKey, FieldBoundariesMatter) {
  ValidatedEvent a = Event();
  ValidatedEvent b = Event();
  a.source = "ab";
  a.summary = "c";
  b.source = "a";
  b.summary = "bc";
  EXPECT_NE(DeriveIdempotencyKey(a), DeriveIdempotencyKey(b));
}

}  // namespace
}  // namespace aievents::ingest
