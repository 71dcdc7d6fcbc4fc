// A process is ready when its own dependencies are. With matching down, ingest stays ready and
// the gateway stays ready (degraded): vendor deliveries are stored and acknowledged, and
// processed by the inbox worker once matching is back.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

template <typename Condition>
bool Eventually(Condition condition, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return condition();
}

TEST(Readiness, WebhooksAreStoredWhileMatchingIsDownAndProcessedWhenItIsBack) {
  Suite& suite = SharedSuite();
  // A matching, ingest and gateway of this test's own, so stopping matching affects no other
  // test.
  matching::MatchingConfig matching_config = suite.matching_config();
  auto matching = matching::MatchingServer::Start(matching_config);
  ASSERT_TRUE(matching.ok()) << matching.status();
  int matching_port = (*matching)->grpc_port();
  ingest::IngestConfig ingest_config = suite.ingest_config();
  ingest_config.matching_address = "127.0.0.1:" + std::to_string(matching_port);
  auto ingest = ingest::IngestServer::Start(ingest_config);
  ASSERT_TRUE(ingest.ok()) << ingest.status();
  gateway::GatewayConfig gateway_config;
  gateway_config.listen_port = 0;
  gateway_config.ingest_address = "127.0.0.1:" + std::to_string((*ingest)->grpc_port());
  gateway_config.matching_address = "127.0.0.1:" + std::to_string(matching_port);
  gateway_config.timeline_address = "127.0.0.1:" + std::to_string(suite.timeline_port());
  auto gateway = gateway::GatewayServer::Start(gateway_config);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  int port = (*gateway)->port();
  ASSERT_TRUE(
      Eventually([&] { return HttpRequest(port, "GET", "/readyz?backends=all").status == 200; },
                 std::chrono::seconds(10)));

  Suite::Tenant tenant = suite.NewTenant();
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"phone", "+13232139334"}});
  HttpResult source = suite.Post(tenant.api_key, "/v1/webhook-sources", {{"vendor", "whippy"}});
  std::string url = source.Json()["url_path"];

  (*matching)->Shutdown();
  // The gateway notices, stays ready for what it can still do, and says what is missing.
  ASSERT_TRUE(Eventually(
      [&] {
        HttpResult ready = HttpRequest(port, "GET", "/readyz");
        return ready.status == 200 && ready.Json()["status"] == "degraded";
      },
      std::chrono::seconds(10)))
      << HttpRequest(port, "GET", "/readyz").body;
  EXPECT_EQ(HttpRequest(port, "GET", "/readyz?backends=all").status, 503);

  HttpResult delivered = HttpRequest(port, "POST", url, ReadFixture("whippy/call_analyzed.json"),
                                     {{"content-type", "application/json"}});
  ASSERT_EQ(delivered.status, 200)
      << "a delivery is acknowledged while matching is down: " << delivered.body;
  std::string delivery = delivered.Json()["delivery_id"];
  EXPECT_EQ(delivered.Json()["status"], "pending");

  // Matching comes back on the same address; the inbox worker processes the delivery.
  matching_config.service.grpc_address = "127.0.0.1:" + std::to_string(matching_port);
  auto restarted = matching::MatchingServer::Start(matching_config);
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  std::string status;
  EXPECT_TRUE(Eventually(
      [&] {
        status = suite.Get(tenant.api_key, "/v1/webhook-deliveries/" + delivery).Json()["status"];
        return status == "processed";
      },
      std::chrono::seconds(30)))
      << "still " << status;
  nlohmann::json events =
      suite.Get(tenant.api_key, "/v1/ai-events?source=whippy").Json()["ai_events"];
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["customer_id"], customer);

  (*gateway)->Shutdown();
  (*ingest)->Shutdown();
  (*restarted)->Shutdown();
}

}  // namespace
}  // namespace aievents::testing
