#include "services/timeline/timeline_server.h"

#include "common/log.h"
#include "common/status_macros.h"

namespace aievents::timeline {

TimelineConfig LoadTimelineConfig(ConfigSource& source) {
  TimelineConfig config;
  config.service = LoadServiceConfig(source, 50053, 9093);
  return config;
}

absl::StatusOr<std::unique_ptr<TimelineServer>> TimelineServer::Start(
    const TimelineConfig& config) {
  std::unique_ptr<TimelineServer> server(new TimelineServer());
  PgPool::Options pool_options;
  pool_options.database_url = config.service.database_url;
  pool_options.size = config.service.db_pool_size;
  pool_options.statements = PgEventReader::Statements();
  for (const PgStatement& statement : Authenticator::Statements()) {
    pool_options.statements.push_back(statement);
  }
  ASSIGN_OR_RETURN(server->pool_, PgPool::Create(std::move(pool_options)));
  server->authenticator_ = std::make_unique<Authenticator>(
      server->pool_.get(), absl::Seconds(config.service.auth_cache_seconds));
  server->events_ = std::make_unique<PgEventReader>(server->pool_.get());
  server->reader_ = std::make_unique<TimelineReader>(server->events_.get());
  server->service_ = std::make_unique<TimelineGrpcService>(server->authenticator_.get(),
                                                           server->reader_.get());
  GrpcServiceRunner::Options runner_options;
  runner_options.grpc_address = config.service.grpc_address;
  runner_options.admin_host = config.service.admin_host;
  runner_options.admin_port = config.service.admin_port;
  runner_options.health_service_names = {v1::TimelineService::service_full_name()};
  PgPool* pool = server->pool_.get();
  runner_options.readiness = [pool] { return pool->Ping(); };
  ASSIGN_OR_RETURN(server->runner_,
                   GrpcServiceRunner::Start(std::move(runner_options), {server->service_.get()}));
  log::Info("started", {{"service", "timeline"},
                        {"grpc_port", std::to_string(server->grpc_port())},
                        {"admin_port", std::to_string(server->admin_port())}});
  return server;
}

}  // namespace aievents::timeline
