// The AI Events HTTP API end to end: the seed's example, reading events back, unmatched
// events, and the gateway's own answers (auth, content type, size, malformed JSON, routing,
// health and metrics).
#include <gtest/gtest.h>

#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

TEST(AiEventsApi, SeedExampleEndToEnd) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  HttpResult customer = suite.Post(tenant.api_key, "/v1/customers",
                                   {{"first_name", "Pat"}, {"phone", "555-867-5309"}});
  ASSERT_EQ(customer.status, 201) << customer.body;

  HttpResult created =
      suite.Call(tenant.api_key, "POST", "/v1/ai-events", ReadFixture("seed_example_request.json"));
  ASSERT_EQ(created.status, 201) << created.body;
  nlohmann::json event = created.Json();
  EXPECT_EQ(event["customer_id"], customer.Json()["id"]);
  EXPECT_EQ(event["match_method"], "phone");
  EXPECT_EQ(event["matched_value"], "+15558675309");
  EXPECT_EQ(event["event_type"], "phone_call");
  EXPECT_EQ(event["source"], "retell");
  EXPECT_EQ(event["summary"], "Customer called about delayed shipment for order #789.");
  EXPECT_EQ(event["raw_payload"],
            "{\"transcript\": \"Hi, I’m calling about…\", \"duration\": 245}");
  EXPECT_DOUBLE_EQ(event["confidence"].get<double>(), 0.92);
  EXPECT_EQ(event["source_eid"], "call_abc123");
  EXPECT_EQ(event["idempotency_key"], "retell-abc123-1");
  EXPECT_EQ(event["occurred_at"], "2026-03-10T14:30:00Z");
  EXPECT_TRUE(event["received_at"].is_string());
  EXPECT_EQ(event["customer_lookup"]["phone"], "+1 (555) 867-5309");
  EXPECT_TRUE(event["customer_lookup"]["email"].is_null());
  EXPECT_FALSE(created.Header("x-request-id").empty());

  HttpResult fetched = suite.Get(tenant.api_key, "/v1/ai-events/" + event["id"].get<std::string>());
  ASSERT_EQ(fetched.status, 200) << fetched.body;
  EXPECT_EQ(fetched.Json(), event);
}

TEST(AiEventsApi, UnmatchedEventIsStoredWithNullCustomer) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  HttpResult created =
      suite.Post(tenant.api_key, "/v1/ai-events", ValidEvent({{"email", "stranger@example.com"}}));
  ASSERT_EQ(created.status, 201) << created.body;
  nlohmann::json event = created.Json();
  EXPECT_TRUE(event["customer_id"].is_null());
  EXPECT_EQ(event["match_method"], "none");
  EXPECT_TRUE(event["matched_value"].is_null());
  EXPECT_TRUE(event["confidence"].is_null());
  EXPECT_EQ(suite.Get(tenant.api_key, "/v1/ai-events/" + event["id"].get<std::string>()).status,
            200);
}

TEST(AiEventsApi, GeneratedIdempotencyKeyIsReturned) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  HttpResult created = suite.Post(tenant.api_key, "/v1/ai-events", ValidEvent());
  ASSERT_EQ(created.status, 201) << created.body;
  std::string key = created.Json()["idempotency_key"];
  EXPECT_EQ(key.rfind("auto-", 0), 0u) << key;
  EXPECT_EQ(key.size(), 5u + 64u);
}

TEST(AiEventsApi, MissingOrWrongApiKeyIs401) {
  Suite& suite = SharedSuite();
  HttpResult missing = suite.Post("", "/v1/ai-events", ValidEvent());
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.Json()["error"]["code"], "UNAUTHENTICATED");
  HttpResult wrong = suite.Post("aiev_not-a-real-key", "/v1/ai-events", ValidEvent());
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.Json()["error"]["code"], "UNAUTHENTICATED");
  EXPECT_EQ(suite.Get("", "/v1/customers/01a1fd11-d7e9-7006-9e48-5e3072079a3d").status, 401);
}

TEST(AiEventsApi, BearerTokenIsAccepted) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  HttpResult created = suite.Call("", "POST", "/v1/ai-events", ValidEvent().dump(),
                                  {{"authorization", "Bearer " + tenant.api_key}});
  EXPECT_EQ(created.status, 201) << created.body;
}

TEST(AiEventsApi, RevokedKeyStopsWorking) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  ASSERT_EQ(suite.Post(tenant.api_key, "/v1/ai-events", ValidEvent()).status, 201);
  pqxx::connection conn(suite.database_url());
  pqxx::work txn(conn);
  txn.exec_params("UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1", tenant.id);
  txn.commit();
  EXPECT_EQ(suite.Post(tenant.api_key, "/v1/ai-events", ValidEvent()).status, 401);
}

TEST(AiEventsApi, NonJsonContentTypeIs415) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  HttpResult result = suite.Call(tenant.api_key, "POST", "/v1/ai-events", ValidEvent().dump(),
                                 {{"content-type", "text/plain"}});
  EXPECT_EQ(result.status, 415);
  EXPECT_EQ(result.Json()["error"]["code"], "UNSUPPORTED_MEDIA_TYPE");
  HttpResult charset = suite.Call(tenant.api_key, "POST", "/v1/ai-events", ValidEvent().dump(),
                                  {{"content-type", "application/json; charset=utf-8"}});
  EXPECT_EQ(charset.status, 201) << charset.body;
}

TEST(AiEventsApi, BodyOver64KiBIs413) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  nlohmann::json body = ValidEvent();
  body["ai_event"]["raw_payload"] = std::string(70 * 1024, 'x');
  HttpResult result = suite.Post(tenant.api_key, "/v1/ai-events", body);
  EXPECT_EQ(result.status, 413);
  EXPECT_EQ(result.Json()["error"]["code"], "PAYLOAD_TOO_LARGE");
}

TEST(AiEventsApi, MalformedJsonIs400) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  HttpResult result =
      suite.Call(tenant.api_key, "POST", "/v1/ai-events", "{\"customer_lookup\": {,}");
  EXPECT_EQ(result.status, 400);
  EXPECT_EQ(result.Json()["error"]["code"], "INVALID_ARGUMENT");
  EXPECT_NE(result.Json()["error"]["message"].get<std::string>().find("malformed JSON"),
            std::string::npos);
  HttpResult array = suite.Call(tenant.api_key, "POST", "/v1/ai-events", "[1, 2]");
  EXPECT_EQ(array.status, 400);
}

TEST(AiEventsApi, UnknownRouteIs404AndWrongMethodIs405) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  EXPECT_EQ(suite.Get(tenant.api_key, "/v1/nothing-here").status, 404);
  HttpResult wrong_method = suite.Call(tenant.api_key, "DELETE", "/v1/ai-events");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.Header("allow"), "POST, GET");
}

TEST(AiEventsApi, GetEventRejectsBadIdsAndReportsMissingOnes) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  HttpResult bad = suite.Get(tenant.api_key, "/v1/ai-events/not-a-uuid");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(ViolationFor(bad, "id"), "must be a UUID");
  EXPECT_EQ(suite.Get(tenant.api_key, "/v1/ai-events/01a1fd11-d7e9-7006-9e48-5e3072079a3d").status,
            404);
}

TEST(AiEventsApi, HealthReadinessAndMetrics) {
  Suite& suite = SharedSuite();
  EXPECT_EQ(suite.Get("", "/healthz").status, 200);
  HttpResult ready = suite.Get("", "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.Json()["checks"]["aievents.v1.IngestService"], "ok");
  // Metrics are served on the admin port only.
  EXPECT_EQ(suite.Get("", "/metrics").status, 404);
  HttpResult metrics = HttpRequest(suite.gateway_admin_port(), "GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("aievents_http_requests_total"), std::string::npos);
  EXPECT_NE(metrics.body.find("aievents_http_open_connections"), std::string::npos);
  EXPECT_EQ(HttpRequest(suite.gateway_admin_port(), "GET", "/readyz").status, 200);
  EXPECT_EQ(HttpRequest(suite.gateway_admin_port(), "GET", "/v1/ai-events").status, 404);
}

}  // namespace
}  // namespace aievents::testing
