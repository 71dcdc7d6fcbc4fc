#include "services/timeline/timeline_server.h"

#include "absl/strings/str_cat.h"
#include "common/runtime/log.h"
#include "common/runtime/status_macros.h"

namespace aievents::timeline {

TimelineConfig LoadTimelineConfig(ConfigSource& source) {
  TimelineConfig config;
  config.service = LoadServiceConfig(source, 7053, 9093);
  config.max_watchers =
      source.Int("max-watchers", 100, 1, 10000, "concurrent live timeline streams per process");
  config.read_database_url = source.String(
      "read-database-url", "",
      "PostgreSQL URI of a read-only replica for timeline reads (\"\": read the primary)");
  config.listen_database_url = source.String(
      "listen-database-url", "",
      "PostgreSQL URI of the connection that listens for new events for live timelines (\"\": "
      "database-url); required with --db-pooler-mode=transaction, since LISTEN needs a session "
      "of its own: point it at PostgreSQL, not at the pooler");
  if (config.service.db_transaction_pooler && config.listen_database_url.empty()) {
    source.AddProblem(
        "setting --listen-database-url is required with --db-pooler-mode=transaction: live "
        "timelines LISTEN on a session of their own, which a transaction pooler does not keep");
  }
  return config;
}

absl::StatusOr<std::unique_ptr<TimelineServer>> TimelineServer::Start(
    const TimelineConfig& config) {
  std::unique_ptr<TimelineServer> server(new TimelineServer());
  // Each store registers its statements with the pool it is given.
  AIEV_ASSIGN_OR_RETURN(server->pool_, CreateServicePool(config.service));
  server->authenticator_ =
      std::make_unique<Authenticator>(server->pool_.get(), AuthenticatorOptions(config.service));
  PgPool* read_pool = server->pool_.get();
  if (!config.read_database_url.empty()) {
    ServiceConfig replica = config.service;
    replica.database_url = config.read_database_url;
    AIEV_ASSIGN_OR_RETURN(server->read_pool_, CreateServicePool(replica, false, "read"));
    read_pool = server->read_pool_.get();
  }
  server->store_ = std::make_unique<PgTimelineStore>(read_pool);
  server->timeline_ = std::make_unique<EventTimeline>(server->store_.get());
  server->primary_store_ = std::make_unique<PgTimelineStore>(server->pool_.get());
  server->live_timeline_ = std::make_unique<EventTimeline>(server->primary_store_.get());
  server->notifier_ = std::make_unique<EventNotifier>(config.listen_database_url.empty()
                                                          ? config.service.database_url
                                                          : config.listen_database_url);
  server->service_ = std::make_unique<TimelineGrpcService>(
      server->authenticator_.get(), server->timeline_.get(), server->live_timeline_.get(),
      server->notifier_.get(), config.max_watchers);
  server->keys_ = std::make_unique<PgKeyStore>(server->pool_.get());
  server->access_ =
      std::make_unique<AccessGrpcService>(server->authenticator_.get(), server->keys_.get());
  PgPool* pool = server->pool_.get();
  std::function<absl::Status()> readiness = [pool, read_pool]() -> absl::Status {
    AIEV_RETURN_IF_ERROR(pool->Ping());
    if (read_pool == pool) return absl::OkStatus();
    absl::Status replica = read_pool->Ping();
    if (!replica.ok()) {
      return absl::UnavailableError(absl::StrCat("read replica: ", replica.message()));
    }
    return absl::OkStatus();
  };
  GrpcServiceRunner::Options options =
      RunnerOptions(config.service, v1::TimelineService::service_full_name(), std::move(readiness));
  options.health_service_names.emplace_back(v1::AccessService::service_full_name());
  AIEV_ASSIGN_OR_RETURN(server->runner_,
                        GrpcServiceRunner::Start(std::move(options),
                                                 {server->service_.get(), server->access_.get()}));
  log::Info("started", {{"service", "timeline"},
                        {"grpc_port", std::to_string(server->grpc_port())},
                        {"admin_port", std::to_string(server->admin_port())}});
  return server;
}

}  // namespace aievents::timeline
