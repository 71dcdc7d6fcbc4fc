#include "services/ingest/ingest_server.h"

#include "common/log.h"
#include "common/status_macros.h"

namespace aievents::ingest {

IngestConfig LoadIngestConfig(ConfigSource& source) {
  IngestConfig config;
  config.service = LoadServiceConfig(source, 50051, 9091);
  config.matching_address =
      source.String("matching-address", "127.0.0.1:50052", "host:port of the matching service");
  config.matching_timeout_ms = source.Int("matching-timeout-ms", 5000, 100, 60000,
                                          "deadline of each call to the matching service");
  return config;
}

absl::StatusOr<std::unique_ptr<IngestServer>> IngestServer::Start(const IngestConfig& config) {
  std::unique_ptr<IngestServer> server(new IngestServer());
  std::vector<PgStatement> statements = PgEventStore::Statements();
  for (const PgStatement& statement : PgWebhookStore::Statements()) statements.push_back(statement);
  ASSIGN_OR_RETURN(server->pool_, CreateServicePool(config.service, std::move(statements)));
  server->authenticator_ = std::make_unique<Authenticator>(
      server->pool_.get(), absl::Seconds(config.service.auth_cache_seconds),
      config.service.internal_token);
  server->store_ = std::make_unique<PgEventStore>(server->pool_.get());
  server->matching_ = std::make_unique<GrpcMatchingClient>(
      config.matching_address, absl::Milliseconds(config.matching_timeout_ms));
  server->ingestor_ =
      std::make_unique<EventIngestor>(server->store_.get(), server->matching_.get());
  server->service_ =
      std::make_unique<IngestGrpcService>(server->authenticator_.get(), server->ingestor_.get());
  server->webhooks_ = std::make_unique<PgWebhookStore>(server->pool_.get());
  server->processor_ = std::make_unique<WebhookProcessor>(
      server->pool_.get(), server->webhooks_.get(), server->store_.get(), server->matching_.get(),
      config.service.internal_token);
  server->receiver_ =
      std::make_unique<WebhookReceiver>(server->webhooks_.get(), server->processor_.get());
  server->webhook_admin_ =
      std::make_unique<WebhookAdmin>(server->webhooks_.get(), server->processor_.get());
  server->webhook_service_ = std::make_unique<WebhookGrpcService>(
      server->authenticator_.get(), server->receiver_.get(), server->webhook_admin_.get());
  if (config.service.internal_token.empty()) {
    log::Warn("no_internal_token", {{"effect",
                                     "webhook deliveries are stored but cannot be matched; set "
                                     "--internal-token on ingest and matching"}});
  }
  PgPool* pool = server->pool_.get();
  MatchingClient* matching = server->matching_.get();
  std::function<absl::Status()> readiness = [pool, matching] {
    RETURN_IF_ERROR(pool->Ping());
    return matching->CheckHealth();
  };
  GrpcServiceRunner::Options options =
      RunnerOptions(config.service, v1::IngestService::service_full_name(), std::move(readiness));
  options.health_service_names.push_back(v1::WebhookService::service_full_name());
  ASSIGN_OR_RETURN(server->runner_,
                   GrpcServiceRunner::Start(std::move(options), {server->service_.get(),
                                                                 server->webhook_service_.get()}));
  server->inbox_worker_ = std::make_unique<InboxWorker>(
      server->webhooks_.get(), server->processor_.get(), absl::Seconds(1), absl::Seconds(5));
  log::Info("started", {{"service", "ingest"},
                        {"grpc_port", std::to_string(server->grpc_port())},
                        {"admin_port", std::to_string(server->admin_port())}});
  return server;
}

}  // namespace aievents::ingest
