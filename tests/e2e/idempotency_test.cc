// Exactly once: the same idempotency key (sent or derived) never makes a second row, including
// under 50 concurrent identical requests.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

TEST(Idempotency, SameKeyReturnsTheStoredEvent) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  nlohmann::json body = ValidEvent();
  body["ai_event"]["idempotency_key"] = "retell-abc123-1";
  HttpResult first = suite.Post(tenant.api_key, "/v1/ai-events", body);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.Header("idempotent-replayed"), "");
  body["ai_event"]["summary"] = "A different summary under the same key";
  HttpResult second = suite.Post(tenant.api_key, "/v1/ai-events", body);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.Header("idempotent-replayed"), "true");
  EXPECT_EQ(second.Json(), first.Json()) << "the stored event comes back unchanged";
  EXPECT_EQ(CountEvents(suite, tenant.id), 1);
}

TEST(Idempotency, RetryWithoutKeyIsDeduplicatedByContent) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  nlohmann::json body = ValidEvent();
  HttpResult first = suite.Post(tenant.api_key, "/v1/ai-events", body);
  ASSERT_EQ(first.status, 201);
  HttpResult retry = suite.Post(tenant.api_key, "/v1/ai-events", body);
  EXPECT_EQ(retry.status, 200);
  EXPECT_EQ(retry.Json()["id"], first.Json()["id"]);
  // The same instant written in another time zone is the same event.
  body["ai_event"]["occurred_at"] = "2026-03-10T16:30:00+02:00";
  EXPECT_EQ(suite.Post(tenant.api_key, "/v1/ai-events", body).status, 200);
  // Any change of content is a new event.
  body["ai_event"]["summary"] = "Customer asked about order #790.";
  EXPECT_EQ(suite.Post(tenant.api_key, "/v1/ai-events", body).status, 201);
  EXPECT_EQ(CountEvents(suite, tenant.id), 2);
}

TEST(Idempotency, FiftyConcurrentIdenticalRequestsStoreOneRow) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  for (bool with_key : {true, false}) {
    nlohmann::json body = ValidEvent();
    body["ai_event"]["source_eid"] = with_key ? "concurrent-keyed" : "concurrent-derived";
    if (with_key) body["ai_event"]["idempotency_key"] = "concurrent-1";
    std::vector<HttpResult> results(50);
    std::vector<std::thread> threads;
    for (int i = 0; i < 50; ++i) {
      threads.emplace_back(
          [&, i] { results[i] = suite.Post(tenant.api_key, "/v1/ai-events", body); });
    }
    for (std::thread& thread : threads) thread.join();
    int created = 0, replayed = 0;
    std::set<std::string> ids;
    for (const HttpResult& result : results) {
      if (result.status == 201) ++created;
      if (result.status == 200 && result.Header("idempotent-replayed") == "true") ++replayed;
      ids.insert(result.Json()["id"].get<std::string>());
    }
    EXPECT_EQ(created, 1);
    EXPECT_EQ(replayed, 49);
    EXPECT_EQ(ids.size(), 1u);
  }
  EXPECT_EQ(CountEvents(suite, tenant.id), 2);
}

}  // namespace
}  // namespace aievents::testing
