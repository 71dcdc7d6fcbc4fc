// Rate limits: a token bucket per key and per tenant on each replica. Over the limit a call is
// answered 429 with Retry-After and RateLimit-* headers, and passes again once the bucket has
// refilled. Webhook deliveries over their source's or tenant's limit get 429 before anything is
// stored, so the vendor's retry is the only copy, and it is taken once there is room.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/e2e/test_helpers.h"
#include "tests/support/replica.h"

namespace aievents::testing {
namespace {

// One token a second; a key may make 3 calls at once, a tenant's keys 5 together.
std::unique_ptr<Replica> LimitedReplica(Suite& suite) {
  return Replica::Start(suite, [](ServiceConfig& config) {
    config.rate_limit_key = {1, 3};
    config.rate_limit_tenant = {1, 5};
  });
}

std::string KeyOf(Suite& suite, const Suite::Tenant& tenant) {
  HttpResult created = suite.Post(tenant.api_key, "/v1/api-keys", {{"scopes", {"events:read"}}});
  EXPECT_EQ(created.status, 201) << created.body;
  return created.Json()["secret"];
}

int Seconds(const std::string& text) { return text.empty() ? -1 : std::stoi(text); }

TEST(RateLimits, AKeyOverItsLimitGets429AndRecovers) {
  Suite& suite = SharedSuite();
  auto replica = LimitedReplica(suite);
  Suite::Tenant tenant = suite.NewTenant();
  std::string key = KeyOf(suite, tenant);
  int last_remaining = 1000;
  for (int i = 0; i < 3; ++i) {
    HttpResult ok = replica->Call(key, "GET", "/v1/ai-events");
    ASSERT_EQ(ok.status, 200) << "call " << i << ": " << ok.body;
    EXPECT_EQ(ok.Header("ratelimit-limit"), "3");
    int remaining = Seconds(ok.Header("ratelimit-remaining"));
    EXPECT_LT(remaining, last_remaining);
    last_remaining = remaining;
    EXPECT_GE(Seconds(ok.Header("ratelimit-reset")), 1);
  }
  HttpResult limited = replica->Call(key, "GET", "/v1/ai-events", "", {{"x-request-id", "rl-1"}});
  ASSERT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(limited.Json()["error"]["reason"], "RATE_LIMITED");
  EXPECT_EQ(limited.Header("x-request-id"), "rl-1");
  int retry_after = Seconds(limited.Header("retry-after"));
  ASSERT_GE(retry_after, 1);
  ASSERT_LE(retry_after, 2);

  std::this_thread::sleep_for(std::chrono::seconds(retry_after));
  EXPECT_EQ(replica->Call(key, "GET", "/v1/ai-events").status, 200) << "recovered";
}

TEST(RateLimits, EventsSentThroughTheGatewaysBatchesCarryTheHeadersAndLimitsToo) {
  Suite& suite = SharedSuite();
  auto replica = LimitedReplica(suite);
  Suite::Tenant tenant = suite.NewTenant();
  HttpResult created = suite.Post(tenant.api_key, "/v1/api-keys", {{"scopes", {"events:write"}}});
  std::string writer = created.Json()["secret"];
  for (int i = 0; i < 4; ++i) {
    nlohmann::json body = ValidEvent();
    body["ai_event"]["idempotency_key"] = "rate-" + std::to_string(i);
    HttpResult result = replica->Call(writer, "POST", "/v1/ai-events", body.dump());
    if (i < 3) {
      ASSERT_EQ(result.status, 201) << result.body;
      EXPECT_EQ(result.Header("ratelimit-limit"), "3");
      EXPECT_EQ(result.Header("ratelimit-remaining"), std::to_string(2 - i));
    } else {
      EXPECT_EQ(result.status, 429) << result.body;
      EXPECT_GE(Seconds(result.Header("retry-after")), 1);
    }
  }
  EXPECT_EQ(CountEvents(suite, tenant.id), 3) << "the refused event was not stored";
}

TEST(RateLimits, ATenantsKeysShareTheTenantsLimit) {
  Suite& suite = SharedSuite();
  auto replica = LimitedReplica(suite);
  Suite::Tenant tenant = suite.NewTenant();
  std::string first = KeyOf(suite, tenant);
  std::string second = KeyOf(suite, tenant);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(replica->Call(first, "GET", "/v1/ai-events").status, 200);
  for (int i = 0; i < 2; ++i) ASSERT_EQ(replica->Call(second, "GET", "/v1/ai-events").status, 200);
  EXPECT_EQ(replica->Call(second, "GET", "/v1/ai-events").status, 429)
      << "the key has a token left, its tenant has none";
  // Another tenant is not affected.
  Suite::Tenant other = suite.NewTenant();
  EXPECT_EQ(replica->Call(KeyOf(suite, other), "GET", "/v1/ai-events").status, 200);
}

TEST(RateLimits, WebhookDeliveriesAreRefusedBeforeAnythingIsStored) {
  Suite& suite = SharedSuite();
  auto replica = LimitedReplica(suite);
  Suite::Tenant tenant = suite.NewTenant();
  HttpResult source = suite.Post(tenant.api_key, "/v1/webhook-sources", {{"vendor", "whippy"}});
  ASSERT_EQ(source.status, 201) << source.body;
  std::string url = source.Json()["url_path"];
  nlohmann::json call = nlohmann::json::parse(ReadFixture("whippy/call_analyzed.json"));
  auto deliver = [&](int n) {
    nlohmann::json body = call;
    body["data"]["id"] = "rate-limit-call-" + std::to_string(n);
    body["request_id"] = "rate-limit-message-" + std::to_string(n);
    return replica->Call("", "POST", url, body.dump());
  };
  for (int n = 0; n < 3; ++n) ASSERT_EQ(deliver(n).status, 200) << n;
  HttpResult refused = deliver(3);
  ASSERT_EQ(refused.status, 429) << refused.body;
  int retry_after = Seconds(refused.Header("retry-after"));
  ASSERT_GE(retry_after, 1);
  auto stored = [&] {
    return suite.Get(tenant.api_key, "/v1/webhook-deliveries").Json()["deliveries"].size();
  };
  EXPECT_EQ(stored(), 3u) << "the refused delivery left nothing behind";

  std::this_thread::sleep_for(std::chrono::seconds(retry_after));
  EXPECT_EQ(deliver(3).status, 200) << "the vendor's retry is taken";
  EXPECT_EQ(stored(), 4u);
}

}  // namespace
}  // namespace aievents::testing
