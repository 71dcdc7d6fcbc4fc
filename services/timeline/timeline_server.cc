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
  ASSIGN_OR_RETURN(server->pool_, CreateServicePool(config.service, PgEventReader::Statements()));
  server->authenticator_ = std::make_unique<Authenticator>(
      server->pool_.get(), absl::Seconds(config.service.auth_cache_seconds));
  server->events_ = std::make_unique<PgEventReader>(server->pool_.get());
  server->reader_ = std::make_unique<TimelineReader>(server->events_.get());
  server->service_ =
      std::make_unique<TimelineGrpcService>(server->authenticator_.get(), server->reader_.get());
  PgPool* pool = server->pool_.get();
  std::function<absl::Status()> readiness = [pool] { return pool->Ping(); };
  ASSIGN_OR_RETURN(server->runner_,
                   GrpcServiceRunner::Start(
                       RunnerOptions(config.service, v1::TimelineService::service_full_name(),
                                     std::move(readiness)),
                       {server->service_.get()}));
  log::Info("started", {{"service", "timeline"},
                        {"grpc_port", std::to_string(server->grpc_port())},
                        {"admin_port", std::to_string(server->admin_port())}});
  return server;
}

}  // namespace aievents::timeline
