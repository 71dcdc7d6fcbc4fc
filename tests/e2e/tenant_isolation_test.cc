// One tenant can never read, match against, or dedupe against another tenant's data.
#include <gtest/gtest.h>

#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

TEST(TenantIsolation, TenantsSeeOnlyTheirOwnData) {
  Suite& suite = SharedSuite();
  auto a = suite.NewTenant("tenant A");
  auto b = suite.NewTenant("tenant B");
  HttpResult customer = suite.Post(a.api_key, "/v1/customers",
                                   {{"email", "shared@example.com"}, {"phone", "+15550109999"}});
  ASSERT_EQ(customer.status, 201);
  std::string customer_id = customer.Json()["id"];
  nlohmann::json body = ValidEvent({{"email", "shared@example.com"}});
  body["ai_event"]["idempotency_key"] = "same-key-in-both-tenants";
  HttpResult event_a = suite.Post(a.api_key, "/v1/ai-events", body);
  ASSERT_EQ(event_a.status, 201);
  EXPECT_EQ(event_a.Json()["customer_id"], customer_id);
  std::string event_id = event_a.Json()["id"];

  // B cannot read A's event or customer: both look exactly like missing ones.
  EXPECT_EQ(suite.Get(b.api_key, "/v1/ai-events/" + event_id).status, 404);
  EXPECT_EQ(suite.Get(b.api_key, "/v1/customers/" + customer_id).status, 404);

  // B's event with A's customer's email and phone matches nobody, and A's idempotency key does
  // not dedupe B's event.
  body["customer_lookup"]["phone"] = "+15550109999";
  HttpResult event_b = suite.Post(b.api_key, "/v1/ai-events", body);
  ASSERT_EQ(event_b.status, 201) << event_b.body;
  EXPECT_TRUE(event_b.Json()["customer_id"].is_null());
  EXPECT_NE(event_b.Json()["id"], event_id);
  EXPECT_EQ(CountEvents(suite, a.id), 1);
  EXPECT_EQ(CountEvents(suite, b.id), 1);

  // And A still sees its own.
  EXPECT_EQ(suite.Get(a.api_key, "/v1/ai-events/" + event_id).status, 200);
}

}  // namespace
}  // namespace aievents::testing
