#include "services/matching/matching_server.h"

#include "common/log.h"
#include "common/status_macros.h"

namespace aievents::matching {

MatchingConfig LoadMatchingConfig(ConfigSource& source) {
  MatchingConfig config;
  config.service = LoadServiceConfig(source, 50052, 9092);
  config.default_phone_region =
      source.String("default-phone-region", "US",
                    "ISO 3166 region assumed for phone numbers written without a country code");
  return config;
}

absl::StatusOr<std::unique_ptr<MatchingServer>> MatchingServer::Start(
    const MatchingConfig& config) {
  std::unique_ptr<MatchingServer> server(new MatchingServer());
  ASSIGN_OR_RETURN(server->phones_, PhoneNormalizer::Create(config.default_phone_region));
  PgPool::Options pool_options;
  pool_options.database_url = config.service.database_url;
  pool_options.size = config.service.db_pool_size;
  pool_options.statements = PgCustomerStore::Statements();
  for (const PgStatement& statement : Authenticator::Statements()) {
    pool_options.statements.push_back(statement);
  }
  ASSIGN_OR_RETURN(server->pool_, PgPool::Create(std::move(pool_options)));
  server->authenticator_ = std::make_unique<Authenticator>(
      server->pool_.get(), absl::Seconds(config.service.auth_cache_seconds));
  server->store_ = std::make_unique<PgCustomerStore>(server->pool_.get());
  server->directory_ =
      std::make_unique<CustomerDirectory>(server->store_.get(), server->phones_.get());
  server->service_ =
      std::make_unique<MatchingGrpcService>(server->authenticator_.get(), server->directory_.get());
  GrpcServiceRunner::Options runner_options;
  runner_options.grpc_address = config.service.grpc_address;
  runner_options.admin_host = config.service.admin_host;
  runner_options.admin_port = config.service.admin_port;
  runner_options.health_service_names = {v1::MatchingService::service_full_name()};
  PgPool* pool = server->pool_.get();
  runner_options.readiness = [pool] { return pool->Ping(); };
  ASSIGN_OR_RETURN(server->runner_,
                   GrpcServiceRunner::Start(std::move(runner_options), {server->service_.get()}));
  log::Info("started", {{"service", "matching"},
                        {"grpc_port", std::to_string(server->grpc_port())},
                        {"admin_port", std::to_string(server->admin_port())}});
  return server;
}

}  // namespace aievents::matching
