#include "services/timeline/timeline_server.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/runtime/log.h"
#include "common/runtime/status_macros.h"
#include "common/text/proto_json.h"

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
  config.secrets_key_file = source.String(
      "secrets-key-file", "",
      "file of base64 AES-256 keys sealing outbound webhook signing secrets, one per line, the "
      "sealing key first (the same ring as ingest's)");
  config.secrets_keys = source.String(
      "secrets-keys", "", "the same keys inline, comma-separated (when no key file is given)");
  if (config.secrets_key_file.empty() && config.secrets_keys.empty()) {
    source.AddProblem(
        "setting --secrets-key-file or --secrets-keys is required (outbound webhook signing "
        "secrets are encrypted at rest; docs/security.md)");
  }
  std::string allow = source.String(
      "webhook-allow", "",
      "comma-separated exceptions to the outbound webhook target rules: \"http\" accepts "
      "plain http:// URLs, \"loopback\" accepts 127.0.0.0/8 and ::1 (link-local addresses "
      "such as 169.254.169.254 stay refused)");
  for (const std::string& item :
       std::vector<std::string>(absl::StrSplit(allow, ',', absl::SkipWhitespace()))) {
    if (item == "http") {
      config.outbound.policy.allow_http = true;
    } else if (item == "loopback") {
      config.outbound.policy.allow_loopback = true;
    } else {
      source.AddProblem(
          absl::StrCat("setting --webhook-allow: \"", item, "\" is not one of http, loopback"));
    }
  }
  config.outbound.delivery_threads = source.Int(
      "webhook-delivery-threads", 2, 1, 64,
      "threads preparing outbound webhooks (reading endpoints and events, rendering, signing; "
      "the requests are asynchronous)");
  std::string schedule = source.String(
      "webhook-retry-schedule", "5s,5m,30m,2h,5h,10h,10h",
      "delays before the second, third, ... attempt of an outbound message (each within +-20 %)");
  absl::StatusOr<RetrySchedule> retry_schedule = ParseRetrySchedule(schedule);
  if (retry_schedule.ok()) {
    config.retry_schedule = *std::move(retry_schedule);
  } else {
    source.AddProblem(absl::StrCat("setting --", retry_schedule.status().message()));
  }
  config.outbound.ca_file = source.String(
      "webhook-ca-file", "",
      "PEM file of CA certificates trusted for https webhook targets besides the system's");
  config.outbound.max_in_flight =
      source.Int("webhook-max-in-flight", 256, 1, 10000,
                 "outbound webhook messages in hand at once across endpoints (claimed, not yet "
                 "recorded)");
  config.outbound.per_endpoint = source.Int("webhook-endpoint-concurrency", 10, 1, 100,
                                            "outbound attempts in flight per endpoint");
  config.outbound.endpoint_rate_limit =
      source.Int("webhook-endpoint-rate-limit", 200, 0, 100000,
                 "outbound messages a second per endpoint and process (0: no limit)");
  config.outbound.relay_interval =
      absl::Milliseconds(source.Int("webhook-relay-interval-ms", 200, 10, 60000,
                                    "how often the relay looks for new changes in the outbox"));
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
  // The export audits itself, so it reads the primary.
  server->exports_ = std::make_unique<PgCustomerExport>(server->pool_.get(), 100);
  server->notifier_ = std::make_unique<EventNotifier>(config.listen_database_url.empty()
                                                          ? config.service.database_url
                                                          : config.listen_database_url);
  server->service_ = std::make_unique<TimelineGrpcService>(
      server->authenticator_.get(), server->timeline_.get(), server->live_timeline_.get(),
      server->notifier_.get(), config.max_watchers, server->exports_.get());
  server->keys_ = std::make_unique<PgKeyStore>(server->pool_.get());
  server->access_ =
      std::make_unique<AccessGrpcService>(server->authenticator_.get(), server->keys_.get());
  AIEV_ASSIGN_OR_RETURN(SecretBox secrets,
                        SecretBox::Load(config.secrets_key_file, config.secrets_keys));
  server->secrets_ = std::make_unique<SecretBox>(std::move(secrets));
  server->endpoints_ = std::make_unique<PgEndpointStore>(
      server->pool_.get(), server->secrets_.get(), config.outbound.policy);
  server->webhook_endpoints_ = std::make_unique<WebhookEndpointGrpcService>(
      server->authenticator_.get(), server->endpoints_.get());
  server->relay_ = std::make_unique<PgOutboxRelay>(server->pool_.get());
  server->messages_ = std::make_unique<PgMessageQueue>(server->pool_.get(), config.retry_schedule);
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
  options.health_service_names.emplace_back(v1::WebhookEndpointService::service_full_name());
  AIEV_ASSIGN_OR_RETURN(
      server->runner_,
      GrpcServiceRunner::Start(std::move(options), {server->service_.get(), server->access_.get(),
                                                    server->webhook_endpoints_.get()}));
  if (config.run_outbound_workers) {
    // Messages about events carry the event as GET /v1/ai-events/{id} shows it, read from the
    // primary (a replica may not have the change yet).
    PgTimelineStore* events = server->primary_store_.get();
    EventRenderer render = [events](const std::string& tenant_id,
                                    const std::vector<std::string>& event_ids)
        -> absl::StatusOr<std::map<std::string, nlohmann::ordered_json>> {
      AIEV_ASSIGN_OR_RETURN(std::vector<v1::AiEvent> found, events->GetMany(tenant_id, event_ids));
      std::map<std::string, nlohmann::ordered_json> rendered;
      for (const v1::AiEvent& event : found) rendered[event.id()] = MessageToJson(event);
      return rendered;
    };
    AIEV_ASSIGN_OR_RETURN(
        server->outbound_,
        OutboundWorkers::Start(server->relay_.get(), server->messages_.get(),
                               server->secrets_.get(), std::move(render), config.outbound));
  }
  log::Info("started", {{"service", "timeline"},
                        {"grpc_port", std::to_string(server->grpc_port())},
                        {"admin_port", std::to_string(server->admin_port())}});
  return server;
}

}  // namespace aievents::timeline
