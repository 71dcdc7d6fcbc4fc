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

TEST(TenantIsolation, EveryReadAndWriteEndpointIsScoped) {
  Suite& suite = SharedSuite();
  auto a = suite.NewTenant("tenant A");
  auto b = suite.NewTenant("tenant B");
  std::string a_customer =
      CreateCustomer(suite, a.api_key,
                     {{"first_name", "Ada"}, {"last_name", "Only"}, {"email", "ada@example.com"}});
  std::string b_customer = CreateCustomer(suite, b.api_key, {{"first_name", "Ben"}});
  std::string a_unmatched = CreateEvent(suite, a.api_key, {{"email", "ghost@example.com"}},
                                        "2026-03-10T10:00:00Z", "a-unmatched")["id"];
  std::string a_matched = CreateEvent(suite, a.api_key, {{"email", "ada@example.com"}},
                                      "2026-03-10T11:00:00Z", "a-matched")["id"];
  std::string b_event = CreateEvent(suite, b.api_key, {{"email", "ghost@example.com"}},
                                    "2026-03-10T12:00:00Z", "b-unmatched")["id"];

  // Lists show only the caller's events.
  EXPECT_EQ(AllPages(suite, b.api_key, "/v1/ai-events", 50), (std::vector<std::string>{b_event}));
  EXPECT_EQ(AllPages(suite, b.api_key, "/v1/ai-events?matched=false", 50),
            (std::vector<std::string>{b_event}));
  EXPECT_EQ(suite.Get(b.api_key, "/v1/customers/" + a_customer + "/ai-events").status, 404);
  // A's events and customers are invisible to B everywhere.
  EXPECT_EQ(suite.Get(b.api_key, "/v1/ai-events/" + a_unmatched + "/candidates").status, 404);
  EXPECT_EQ(suite
                .Post(b.api_key, "/v1/ai-events/" + a_unmatched + ":associate",
                      {{"customer_id", b_customer}})
                .status,
            404);
  EXPECT_EQ(
      suite
          .Post(b.api_key, "/v1/ai-events/" + b_event + ":associate", {{"customer_id", a_customer}})
          .status,
      404);
  EXPECT_EQ(suite
                .Call(b.api_key, "PATCH", "/v1/customers/" + a_customer,
                      nlohmann::json{{"email", "stolen@example.com"}}.dump())
                .status,
            404);
  EXPECT_TRUE(suite.Get(b.api_key, "/v1/customers?q=ada").Json()["customers"].empty());
  // B's candidates never include A's customers, even on identical data.
  std::string b_probe = CreateEvent(suite, b.api_key, {{"email", "ada@example.com"}},
                                    "2026-03-10T13:00:00Z", "b-probe")["id"];
  EXPECT_TRUE(suite.Get(b.api_key, "/v1/ai-events/" + b_probe + "/candidates")
                  .Json()["candidates"]
                  .empty());
  // B creating a customer that matches A's unmatched event does not re-match A's event.
  CreateCustomer(suite, b.api_key, {{"email", "ghost@example.com"}});
  EXPECT_TRUE(suite.Get(a.api_key, "/v1/ai-events/" + a_unmatched).Json()["customer_id"].is_null());
  // And A's data is unchanged.
  EXPECT_EQ(suite.Get(a.api_key, "/v1/ai-events/" + a_matched).Json()["customer_id"], a_customer);
  EXPECT_EQ(suite.Get(a.api_key, "/v1/customers/" + a_customer).Json()["email"], "ada@example.com");
}

}  // namespace
}  // namespace aievents::testing
