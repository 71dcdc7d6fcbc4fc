// Associating events with customers: unmatched to manual, re-association, undo, history with
// the acting key, no-op repeats, and 404s.
#include <gtest/gtest.h>

#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

HttpResult Associate(const std::string& key, const std::string& event_id,
                     const nlohmann::json& body) {
  return SharedSuite().Post(key, "/v1/ai-events/" + event_id + ":associate", body);
}

TEST(Association, UnmatchedEventBecomesManualWithHistory) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string alice = CreateCustomer(suite, tenant.api_key, {{"first_name", "Alice"}});
  std::string bob = CreateCustomer(suite, tenant.api_key, {{"first_name", "Bob"}});
  std::string event_id = CreateEvent(suite, tenant.api_key, {{"email", "who@example.com"}},
                                     "2026-03-10T10:00:00Z", "assoc")["id"];

  HttpResult linked = Associate(tenant.api_key, event_id, {{"customer_id", alice}});
  ASSERT_EQ(linked.status, 200) << linked.body;
  nlohmann::json event = linked.Json();
  EXPECT_EQ(event["customer_id"], alice);
  EXPECT_EQ(event["match_method"], "manual");
  EXPECT_TRUE(event["matched_value"].is_null());
  ASSERT_EQ(event["associations"].size(), 1u);
  EXPECT_TRUE(event["associations"][0]["from_customer_id"].is_null());
  EXPECT_EQ(event["associations"][0]["to_customer_id"], alice);
  EXPECT_EQ(event["associations"][0]["method"], "manual");
  EXPECT_EQ(event["associations"][0]["actor"], tenant.api_key.substr(0, 12));
  EXPECT_FALSE(event["associations"][0]["actor_key_id"].get<std::string>().empty());
  EXPECT_TRUE(event["associations"][0]["created_at"].is_string());

  // Moving it to another customer, then undoing, is recorded step by step.
  ASSERT_EQ(Associate(tenant.api_key, event_id, {{"customer_id", bob}}).status, 200);
  HttpResult undone = Associate(tenant.api_key, event_id, {{"customer_id", alice}});
  ASSERT_EQ(undone.status, 200);
  nlohmann::json history = undone.Json()["associations"];
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[1]["from_customer_id"], alice);
  EXPECT_EQ(history[1]["to_customer_id"], bob);
  EXPECT_EQ(history[2]["from_customer_id"], bob);
  EXPECT_EQ(history[2]["to_customer_id"], alice);

  // Repeating the current manual association changes nothing.
  EXPECT_EQ(
      Associate(tenant.api_key, event_id, {{"customer_id", alice}}).Json()["associations"].size(),
      3u);

  // The details page shows the history, and the event left the unmatched queue.
  HttpResult details = suite.Get(tenant.api_key, "/v1/ai-events/" + event_id);
  EXPECT_EQ(details.Json()["associations"], undone.Json()["associations"]);
  EXPECT_EQ(details.Json()["customer_lookup"]["email"], "who@example.com");
  EXPECT_TRUE(AllPages(suite, tenant.api_key, "/v1/ai-events?matched=false", 10).empty());
  EXPECT_EQ(AllPages(suite, tenant.api_key, "/v1/customers/" + alice + "/ai-events", 10),
            (std::vector<std::string>{event_id}));
  EXPECT_TRUE(AllPages(suite, tenant.api_key, "/v1/customers/" + bob + "/ai-events", 10).empty());
}

TEST(Association, WrongMatchCanBeFixed) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string wrong = CreateCustomer(suite, tenant.api_key, {{"phone", "+15550102000"}});
  std::string right = CreateCustomer(suite, tenant.api_key, {{"first_name", "Right"}});
  nlohmann::json event = CreateEvent(suite, tenant.api_key, {{"phone", "555 010 2000"}},
                                     "2026-03-10T10:00:00Z", "fix");
  ASSERT_EQ(event["customer_id"], wrong);
  HttpResult fixed = Associate(tenant.api_key, event["id"], {{"customer_id", right}});
  ASSERT_EQ(fixed.status, 200);
  EXPECT_EQ(fixed.Json()["associations"][0]["from_customer_id"], wrong);
  EXPECT_EQ(fixed.Json()["match_method"], "manual");
}

TEST(Association, UnknownEventOrCustomerIs404AndBadInputIs400) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"first_name", "Carol"}});
  std::string event_id = CreateEvent(suite, tenant.api_key, {{"email", "x@example.com"}},
                                     "2026-03-10T10:00:00Z", "404")["id"];
  const std::string missing = "01a1fd11-d7e9-7006-9e48-5e3072079a3d";
  EXPECT_EQ(Associate(tenant.api_key, missing, {{"customer_id", customer}}).status, 404);
  EXPECT_EQ(Associate(tenant.api_key, event_id, {{"customer_id", missing}}).status, 404);
  HttpResult no_customer = Associate(tenant.api_key, event_id, nlohmann::json::object());
  EXPECT_EQ(no_customer.status, 400);
  EXPECT_FALSE(ViolationFor(no_customer, "customer_id").empty());
  EXPECT_EQ(Associate(tenant.api_key, event_id, {{"customer_id", "nope"}}).status, 400);
  EXPECT_EQ(Associate(tenant.api_key, event_id, {{"customer", customer}}).status, 400);
  // Nothing changed.
  EXPECT_TRUE(
      suite.Get(tenant.api_key, "/v1/ai-events/" + event_id).Json()["customer_id"].is_null());
}

}  // namespace
}  // namespace aievents::testing
