// What the services need to behave as replicas behind Kubernetes (docs/kubernetes.md): message
// limits that carry the gateway's largest bodies, conventional gRPC metrics, pool and inbox
// gauges, and timeline reads from a replica URL.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "aievents/v1/timeline_service.grpc.pb.h"
#include "common/auth/standard_webhooks.h"
#include "common/pg/pg_pool.h"
#include "common/runtime/metrics.h"
#include "grpcpp/create_channel.h"
#include "services/timeline/timeline_server.h"
#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

constexpr char kSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

template <typename Server>
std::unique_ptr<Server> OrFail(absl::StatusOr<std::unique_ptr<Server>> server) {
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? std::move(*server) : nullptr;
}

TEST(ReplicaSettings, AWebhookLargerThanGrpcsDefaultLimitIsStored) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  HttpResult source = suite.Post(tenant.api_key, "/v1/webhook-sources",
                                 {{"vendor", "agntix"}, {"signing_secret", kSecret}});
  ASSERT_EQ(source.status, 201) << source.body;

  // A gateway that takes 6 MiB webhooks, in front of the suite's services.
  gateway::GatewayConfig config;
  config.listen_port = 0;
  config.max_webhook_body_bytes = 6 * 1024 * 1024;
  config.ingest_address = "127.0.0.1:" + std::to_string(suite.ingest_port());
  config.matching_address = "127.0.0.1:" + std::to_string(suite.matching_port());
  config.timeline_address = "127.0.0.1:" + std::to_string(suite.timeline_port());
  std::unique_ptr<gateway::GatewayServer> gateway = OrFail(gateway::GatewayServer::Start(config));
  ASSERT_NE(gateway, nullptr);

  // 5 MiB: over gRPC's default 4 MiB receive limit, under the gateway's.
  nlohmann::json body = nlohmann::json::parse(ReadFixture("agntix/session_created.json"));
  body["id"] = "large-" + tenant.id;
  body["metadata"]["transcriptNotes"] = std::string(5 * 1024 * 1024, 'a');
  std::string text = body.dump();
  std::string timestamp = std::to_string(absl::ToUnixSeconds(absl::Now()));
  std::string key = *DecodeSigningSecret(kSecret);
  HttpResult delivered =
      HttpRequest(gateway->port(), "POST", source.Json()["url_path"].get<std::string>(), text,
                  {{"content-type", "application/json"},
                   {"webhook-id", "msg_large"},
                   {"webhook-timestamp", timestamp},
                   {"webhook-signature", SignStandardWebhook(key, "msg_large", timestamp, text)}});
  // Before the limits were raised this was RESOURCE_EXHAUSTED, answered 429: retried forever.
  EXPECT_EQ(delivered.status, 200) << delivered.body.substr(0, 500);
  gateway->Shutdown();
}

TEST(ReplicaSettings, GrpcMetricsUseConventionalNamesAndLabels) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  MetricLabels labels = {{"grpc_service", "aievents.v1.TimelineService"},
                         {"grpc_method", "GetEvent"},
                         {"grpc_type", "unary"},
                         {"grpc_code", "NOT_FOUND"}};
  double before = Metrics::Global().CounterValue("grpc_server_handled_total", labels);
  EXPECT_EQ(suite.Get(tenant.api_key, "/v1/ai-events/01a00000-0000-7000-8000-000000000000").status,
            404);
  EXPECT_EQ(Metrics::Global().CounterValue("grpc_server_handled_total", labels), before + 1);
  std::string text = Metrics::Global().RenderPrometheus();
  EXPECT_NE(text.find("grpc_server_handling_seconds_bucket{grpc_method=\"GetEvent\""),
            std::string::npos);
  EXPECT_NE(text.find("grpc_server_started_total"), std::string::npos);
}

TEST(ReplicaSettings, PoolGaugesFollowConnectionsInUseIdleAndWaiting) {
  Suite& suite = SharedSuite();
  const MetricLabels in_use = {{"pool", "gauge-test"}, {"state", "in_use"}};
  const MetricLabels idle = {{"pool", "gauge-test"}, {"state", "idle"}};
  const MetricLabels waiting = {{"pool", "gauge-test"}};
  auto gauge = [](const char* name, const MetricLabels& labels) {
    return Metrics::Global().GaugeValue(name, labels);
  };
  {
    PgPool::Options options;
    options.name = "gauge-test";
    options.database_url = suite.service_database_url(ServiceRole::kIngest);
    options.size = 1;
    auto pool = PgPool::Create(options);
    ASSERT_TRUE(pool.ok()) << pool.status();
    absl::Notification holding;
    absl::Notification release;
    std::thread holder([&] {
      EXPECT_TRUE((*pool)
                      ->InSystemTransaction([&](pqxx::work&) {
                        holding.Notify();
                        release.WaitForNotification();
                        return absl::OkStatus();
                      })
                      .ok());
    });
    holding.WaitForNotification();
    EXPECT_EQ(gauge("aievents_db_pool_connections", in_use), 1);
    EXPECT_EQ(gauge("aievents_db_pool_connections", idle), 0);
    std::thread waiter([&] {
      EXPECT_TRUE((*pool)->InSystemTransaction([](pqxx::work&) { return absl::OkStatus(); }).ok());
    });
    for (int i = 0; i < 200 && gauge("aievents_db_pool_waiting", waiting) < 1; ++i) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    EXPECT_EQ(gauge("aievents_db_pool_waiting", waiting), 1);
    release.Notify();
    holder.join();
    waiter.join();
    EXPECT_EQ(gauge("aievents_db_pool_waiting", waiting), 0);
    EXPECT_EQ(gauge("aievents_db_pool_connections", in_use), 0);
    EXPECT_EQ(gauge("aievents_db_pool_connections", idle), 1);
  }
  // A pool that is gone holds nothing.
  EXPECT_EQ(gauge("aievents_db_pool_connections", idle), 0);
}

TEST(ReplicaSettings, InboxBacklogIsCountedAcrossTenantsAndReported) {
  Suite& suite = SharedSuite();
  pqxx::connection conn(suite.service_database_url(ServiceRole::kIngest));
  pqxx::work txn(conn);
  // The service role sees no tenant's rows without a scope, yet the backlog counts them all.
  pqxx::row backlog = txn.exec1("SELECT pending, oldest_seconds FROM webhook_inbox_backlog()");
  EXPECT_GE(backlog[0].as<int64_t>(), 0);
  EXPECT_GE(backlog[1].as<double>(), 0);
  txn.commit();
  // The suite's inbox worker reports it every round (each second).
  std::string text;
  for (int i = 0; i < 40; ++i) {
    text = Metrics::Global().RenderPrometheus();
    if (text.find("aievents_webhook_inbox_backlog ") != std::string::npos) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_NE(text.find("# TYPE aievents_webhook_inbox_backlog gauge"), std::string::npos);
  EXPECT_NE(text.find("aievents_webhook_inbox_oldest_seconds "), std::string::npos);
}

TEST(ReplicaSettings, TimelineReadsGoToTheReadDatabaseUrl) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  nlohmann::json event = CreateEvent(suite, tenant.api_key, {{"email", "reader@example.com"}},
                                     "2026-03-10T14:30:00Z", "read-replica");
  auto start = [&](const std::string& read_url) {
    timeline::TimelineConfig config;
    config.service = suite.service_config(ServiceRole::kTimeline);
    config.service.grpc_address = "127.0.0.1:0";
    config.read_database_url = read_url;
    config.secrets_keys = suite.secrets_keys();
    config.run_outbound_workers = false;  // the suite's own timeline delivers
    return OrFail(timeline::TimelineServer::Start(config));
  };
  auto get = [&](int port) {
    auto stub = v1::TimelineService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
    grpc::ClientContext call;
    call.AddMetadata("x-api-key", tenant.api_key);
    call.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::GetEventRequest request;
    request.set_id(event["id"].get<std::string>());
    v1::AiEvent response;
    return stub->GetEvent(&call, request, &response);
  };
  // A replica URL where nothing listens: reads fail (authentication, on the primary, works).
  auto unreachable = start("postgresql://aievents_timeline@127.0.0.1:1/aievents");
  ASSERT_NE(unreachable, nullptr);
  grpc::Status failed = get(unreachable->grpc_port());
  EXPECT_EQ(failed.error_code(), grpc::StatusCode::UNAVAILABLE) << failed.error_message();
  unreachable->Shutdown();
  // The same database as a replica: reads succeed.
  auto replica = start(suite.service_database_url(ServiceRole::kTimeline));
  ASSERT_NE(replica, nullptr);
  grpc::Status read = get(replica->grpc_port());
  EXPECT_TRUE(read.ok()) << read.error_message();
  replica->Shutdown();
}

}  // namespace
}  // namespace aievents::testing
