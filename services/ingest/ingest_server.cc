#include "services/ingest/ingest_server.h"

#include "common/runtime/log.h"
#include "common/runtime/status_macros.h"

namespace aievents::ingest {

IngestConfig LoadIngestConfig(ConfigSource& source) {
  IngestConfig config;
  config.service = LoadServiceConfig(source, 7051, 9091);
  config.matching_address =
      source.String("matching-address", "127.0.0.1:7052", "host:port of the matching service");
  config.matching_timeout_ms = source.Int("matching-timeout-ms", 5000, 100, 60000,
                                          "deadline of each call to the matching service");
  EventBatcher::Options& batching = config.batching;
  batching.max_batch_events =
      source.Int("batch-max-events", 500, 1, 1000, "most events committed in one transaction");
  batching.max_batch_delay = absl::Microseconds(
      source.Int("batch-max-delay-us", 2000, 0, 1000000,
                 "longest an event waits for others to share its commit, while another batch "
                 "is being committed (an idle service commits at once)"));
  batching.max_inflight_batches =
      source.Int("batch-max-inflight", 1, 1, 64, "batches being matched and committed at once");
  batching.max_queued_events =
      source.Int("queue-max-events", 10000, 1, 10000000,
                 "events waiting for a batch beyond which new ones get UNAVAILABLE (HTTP 503)");
  batching.max_queue_wait = absl::Milliseconds(
      source.Int("queue-max-wait-ms", 500, 1, 600000,
                 "when the oldest waiting event has waited this long, new ones get UNAVAILABLE"));
  config.commit_threads = source.Int("commit-threads", 4, 1, 64,
                                     "threads running commit transactions (each holds a "
                                     "database connection while it commits)");
  config.secrets_key_file = source.String(
      "secrets-key-file", "",
      "file of base64 AES-256 keys sealing webhook signing secrets, one per line, the sealing "
      "key first (older ones still open what they sealed)");
  config.secrets_keys = source.String(
      "secrets-keys", "", "the same keys inline, comma-separated (when no key file is given)");
  if (config.secrets_key_file.empty() && config.secrets_keys.empty()) {
    source.AddProblem(
        "setting --secrets-key-file or --secrets-keys is required (webhook signing secrets are "
        "encrypted at rest; docs/security.md)");
  }
  return config;
}

absl::StatusOr<std::unique_ptr<IngestServer>> IngestServer::Start(const IngestConfig& config) {
  std::unique_ptr<IngestServer> server(new IngestServer());
  // The hot path has its own pool (pipeline_); this one serves authentication and webhooks.
  // Each store registers its statements with the pool it is given.
  AIEV_ASSIGN_OR_RETURN(server->pool_, CreateServicePool(config.service));
  server->authenticator_ =
      std::make_unique<Authenticator>(server->pool_.get(), AuthenticatorOptions(config.service));
  AIEV_ASSIGN_OR_RETURN(server->pipeline_, PgPipelinePool::Create(ServicePipelineOptions(
                                               config.service, "commit", config.commit_threads)));
  server->store_ = std::make_unique<PgEventStore>(server->pipeline_.get());
  server->matching_ = std::make_unique<GrpcMatchingClient>(
      config.matching_address, absl::Milliseconds(config.matching_timeout_ms));
  server->committer_ =
      std::make_unique<BatchCommitter>(server->store_.get(), server->matching_.get(),
                                       config.commit_threads, config.service.internal_token);
  BatchCommitter* committer = server->committer_.get();
  server->batcher_ = std::make_unique<EventBatcher>(
      config.batching, [committer](std::vector<PendingEvent> batch, std::function<void()> done) {
        committer->Commit(std::move(batch), std::move(done));
      });
  server->ingestor_ = std::make_unique<EventIngestor>(server->batcher_.get());
  server->links_ = std::make_unique<PgEventLinks>(server->pool_.get());
  server->pool_->Register(OutboxPruner::Statements());
  server->linker_ = std::make_unique<EventLinker>(server->links_.get());
  server->erasure_ = std::make_unique<PgCustomerErasure>(server->pool_.get());
  server->service_ =
      std::make_unique<IngestGrpcService>(server->authenticator_.get(), server->ingestor_.get(),
                                          server->linker_.get(), server->erasure_.get());
  AIEV_ASSIGN_OR_RETURN(SecretBox secrets,
                        SecretBox::Load(config.secrets_key_file, config.secrets_keys));
  server->secrets_ = std::make_unique<SecretBox>(std::move(secrets));
  server->webhooks_ = std::make_unique<PgWebhookStore>(server->pool_.get(), server->secrets_.get());
  server->deliveries_ = std::make_unique<PgDeliveryStore>(
      server->pool_.get(), server->webhooks_.get(), server->store_.get());
  server->processor_ =
      std::make_unique<WebhookProcessor>(server->deliveries_.get(), server->batcher_.get(),
                                         server->matching_.get(), config.service.internal_token);
  server->webhook_limiter_ = std::make_unique<RateLimiter>(config.service.rate_limit_key,
                                                           config.service.rate_limit_tenant);
  server->receiver_ = std::make_unique<WebhookReceiver>(
      server->webhooks_.get(), server->processor_.get(), server->webhook_limiter_.get());
  server->webhook_admin_ =
      std::make_unique<WebhookAdmin>(server->webhooks_.get(), server->processor_.get());
  server->webhook_service_ = std::make_unique<WebhookGrpcService>(
      server->authenticator_.get(), server->receiver_.get(), server->webhook_admin_.get());
  PgPool* pool = server->pool_.get();
  // Ready when its own dependency, PostgreSQL, is: with matching down, vendor deliveries are
  // still stored and acknowledged (the inbox worker processes them once matching is back);
  // only new API events are refused, with 503.
  std::function<absl::Status()> readiness = [pool] { return pool->Ping(); };
  GrpcServiceRunner::Options options =
      RunnerOptions(config.service, v1::IngestService::service_full_name(), std::move(readiness));
  options.health_service_names.emplace_back(v1::WebhookService::service_full_name());
  AIEV_ASSIGN_OR_RETURN(server->runner_, GrpcServiceRunner::Start(
                                             std::move(options), {server->service_.get(),
                                                                  server->webhook_service_.get()}));
  server->inbox_worker_ = std::make_unique<InboxWorker>(
      server->webhooks_.get(), server->processor_.get(), absl::Seconds(1), absl::Seconds(5));
  server->outbox_pruner_ = std::make_unique<OutboxPruner>(server->pool_.get(), absl::Seconds(10));
  log::Info("started", {{"service", "ingest"},
                        {"grpc_port", std::to_string(server->grpc_port())},
                        {"admin_port", std::to_string(server->admin_port())}});
  return server;
}

}  // namespace aievents::ingest
