// Assembles a running timeline service from its config. main.cc and the tests start it here.
#ifndef AIEVENTS_SERVICES_TIMELINE_TIMELINE_SERVER_H_
#define AIEVENTS_SERVICES_TIMELINE_TIMELINE_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/auth/authenticator.h"
#include "common/pg/pg_pool.h"
#include "common/rpc/grpc_service_runner.h"
#include "common/runtime/config_source.h"
#include "common/service/service_config.h"
#include "services/timeline/access/access_grpc_service.h"
#include "services/timeline/access/pg_key_store.h"
#include "services/timeline/outbound/outbound_workers.h"
#include "services/timeline/outbound/pg_endpoint_store.h"
#include "services/timeline/outbound/webhook_endpoint_grpc_service.h"
#include "services/timeline/timeline_grpc_service.h"

namespace aievents::timeline {

struct TimelineConfig {
  ServiceConfig service;
  // Concurrent WatchCustomerEvents streams this process serves; more get RESOURCE_EXHAUSTED.
  int max_watchers = 100;
  // A read-only replica for the timeline's reads; "" reads the primary (service.database_url).
  std::string read_database_url;
  // The connection that LISTENs for new events (live timelines); "" uses service.database_url.
  // LISTEN needs a session of its own, so behind a transaction pooler this must lead to
  // PostgreSQL directly (or to a pooler in session mode).
  std::string listen_database_url;
  // The key ring that seals outbound webhook signing secrets at rest (SecretBox): a file of
  // base64 keys, or the keys inline.
  std::string secrets_key_file;
  std::string secrets_keys;
  // Outbound webhooks: who may be a target, and how delivery runs.
  OutboundOptions outbound;
  RetrySchedule retry_schedule;  // of outbound messages
  // Off in tests that look at the outbox and messages without deliveries happening.
  bool run_outbound_workers = true;
};

TimelineConfig LoadTimelineConfig(ConfigSource& source);

class TimelineServer {
 public:
  static absl::StatusOr<std::unique_ptr<TimelineServer>> Start(const TimelineConfig& config);

  int grpc_port() const { return runner_->grpc_port(); }
  int admin_port() const { return runner_->admin_port(); }
  void Shutdown() { runner_->Shutdown(); }

 private:
  TimelineServer() = default;

  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<PgPool> read_pool_;  // only with a read_database_url
  std::unique_ptr<PgTimelineStore> store_;
  std::unique_ptr<EventTimeline> timeline_;
  std::unique_ptr<PgTimelineStore> primary_store_;
  std::unique_ptr<EventTimeline> live_timeline_;
  std::unique_ptr<EventNotifier> notifier_;
  std::unique_ptr<PgCustomerExport> exports_;
  std::unique_ptr<TimelineGrpcService> service_;
  std::unique_ptr<PgKeyStore> keys_;
  std::unique_ptr<AccessGrpcService> access_;
  std::unique_ptr<SecretBox> secrets_;
  std::unique_ptr<PgEndpointStore> endpoints_;
  std::unique_ptr<WebhookEndpointGrpcService> webhook_endpoints_;
  std::unique_ptr<PgOutboxRelay> relay_;
  std::unique_ptr<PgMessageQueue> messages_;
  std::unique_ptr<GrpcServiceRunner> runner_;
  // Last: stopped first, before the stores and pools it uses go.
  std::unique_ptr<OutboundWorkers> outbound_;
};

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_TIMELINE_SERVER_H_
