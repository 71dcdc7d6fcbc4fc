#include "services/matching/matching_server.h"

#include "common/runtime/log.h"
#include "common/runtime/status_macros.h"

namespace aievents::matching {

MatchingConfig LoadMatchingConfig(ConfigSource& source) {
  MatchingConfig config;
  config.service = LoadServiceConfig(source, 7052, 9092);
  config.default_phone_region =
      source.String("default-phone-region", "US",
                    "ISO 3166 region assumed for phone numbers written without a country code");
  config.match_connections =
      source.Int("match-connections", 4, 1, 64,
                 "PostgreSQL connections for batched matching (MatchCustomers), besides the pool");
  config.ingest_address =
      source.String("ingest-address", "127.0.0.1:7051",
                    "host:port of the ingest service, which links re-matched events");
  config.ingest_timeout_ms = source.Int("ingest-timeout-ms", 5000, 100, 60000,
                                        "deadline of each call to the ingest service");
  config.rematch_interval_ms =
      source.Int("rematch-interval-ms", 1000, 50, 60000,
                 "how often the re-match worker looks for customer changes still to carry out");
  config.suppression_key_file = source.String(
      "suppression-key-file", "",
      "file whose first line is the suppression key: base64 of at least 32 random bytes, made "
      "once and kept (suppressions are keyed hashes under it; docs/privacy.md)");
  config.suppression_key =
      source.String("suppression-key", "", "the suppression key inline (when no file is given)");
  if (config.suppression_key_file.empty() && config.suppression_key.empty()) {
    source.AddProblem(
        "setting --suppression-key-file or --suppression-key is required (erasure "
        "with suppression keeps keyed hashes of emails and phones under it)");
  }
  config.erasure_batch_size =
      source.Int("erasure-batch-size", 500, 1, 5000,
                 "events an erasure removes per transaction (one call to ingest)");
  config.erasure_worker_delay_ms =
      source.Int("erasure-worker-delay-ms", 60000, 0, 3600000,
                 "how long after an erasure request the worker takes what it left unfinished");
  config.erasure_sweep_delay_ms =
      source.Int("erasure-sweep-delay-ms", 120000, 0, 3600000,
                 "how long after an erasure the worker sweeps once more for an event stored "
                 "while the customer was being removed; then the erasure answers 404");
  return config;
}

absl::StatusOr<std::unique_ptr<MatchingServer>> MatchingServer::Start(
    const MatchingConfig& config) {
  std::unique_ptr<MatchingServer> server(new MatchingServer());
  AIEV_ASSIGN_OR_RETURN(server->phones_, PhoneNormalizer::Create(config.default_phone_region));
  AIEV_ASSIGN_OR_RETURN(server->pool_, CreateServicePool(config.service));
  server->authenticator_ =
      std::make_unique<Authenticator>(server->pool_.get(), AuthenticatorOptions(config.service));
  AIEV_ASSIGN_OR_RETURN(server->pipeline_, PgPipelinePool::Create(ServicePipelineOptions(
                                               config.service, "match", config.match_connections)));
  AIEV_ASSIGN_OR_RETURN(
      SuppressionHasher hasher,
      SuppressionHasher::Load(config.suppression_key_file, config.suppression_key));
  server->hasher_ = std::make_unique<SuppressionHasher>(std::move(hasher));
  server->store_ = std::make_unique<PgCustomerStore>(server->pool_.get(), server->pipeline_.get());
  server->events_ = std::make_unique<GrpcEventOwnerClient>(
      config.ingest_address, absl::Milliseconds(config.ingest_timeout_ms));
  server->directory_ = std::make_unique<CustomerDirectory>(
      server->store_.get(), server->phones_.get(), server->events_.get(), server->hasher_.get());
  server->changes_ = std::make_unique<PgCustomerChanges>(server->pool_.get());
  server->erasures_ = std::make_unique<PgCustomerErasures>(server->pool_.get());
  ErasureOptions erasure;
  erasure.batch_size = config.erasure_batch_size;
  erasure.worker_delay = absl::Milliseconds(config.erasure_worker_delay_ms);
  erasure.sweep_delay = absl::Milliseconds(config.erasure_sweep_delay_ms);
  server->eraser_ = std::make_unique<CustomerEraser>(server->erasures_.get(), server->events_.get(),
                                                     server->hasher_.get(), erasure);
  server->suppressions_ = std::make_unique<PgSuppressions>(server->pool_.get());
  server->service_ =
      std::make_unique<MatchingGrpcService>(server->authenticator_.get(), server->directory_.get(),
                                            server->eraser_.get(), server->suppressions_.get());
  PgPool* pool = server->pool_.get();
  std::function<absl::Status()> readiness = [pool] { return pool->Ping(); };
  AIEV_ASSIGN_OR_RETURN(server->runner_,
                        GrpcServiceRunner::Start(
                            RunnerOptions(config.service, v1::MatchingService::service_full_name(),
                                          std::move(readiness)),
                            {server->service_.get()}));
  server->rematch_ = std::make_unique<RematchWorker>(
      server->changes_.get(), server->directory_.get(), server->eraser_.get(),
      config.service.internal_token, absl::Milliseconds(config.rematch_interval_ms));
  log::Info("started", {{"service", "matching"},
                        {"grpc_port", std::to_string(server->grpc_port())},
                        {"admin_port", std::to_string(server->admin_port())}});
  return server;
}

}  // namespace aievents::matching
