// Assembles a running ingest service from its config. main.cc and the tests start it here.
#ifndef AIEVENTS_SERVICES_INGEST_INGEST_SERVER_H_
#define AIEVENTS_SERVICES_INGEST_INGEST_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/auth/authenticator.h"
#include "common/auth/secret_box.h"
#include "common/pg/pg_pipeline.h"
#include "common/pg/pg_pool.h"
#include "common/rpc/grpc_service_runner.h"
#include "common/runtime/config_source.h"
#include "common/service/service_config.h"
#include "services/ingest/batch_committer.h"
#include "services/ingest/event_batcher.h"
#include "services/ingest/event_ingestor.h"
#include "services/ingest/ingest_grpc_service.h"
#include "services/ingest/outbox_pruner.h"
#include "services/ingest/webhooks/inbox_worker.h"
#include "services/ingest/webhooks/pg_delivery_store.h"
#include "services/ingest/webhooks/webhook_admin.h"
#include "services/ingest/webhooks/webhook_grpc_service.h"
#include "services/ingest/webhooks/webhook_processor.h"
#include "services/ingest/webhooks/webhook_receiver.h"

namespace aievents::ingest {

struct IngestConfig {
  ServiceConfig service;
  // host:port of the matching service.
  std::string matching_address = "127.0.0.1:7052";
  int matching_timeout_ms = 5000;
  // Group commit (see EventBatcher) and the threads that run its transactions.
  EventBatcher::Options batching;
  int commit_threads = 4;
  // The key ring that seals webhook signing secrets at rest (see SecretBox): a file of base64
  // keys, or the keys themselves, comma-separated; the first seals, all open.
  std::string secrets_key_file;
  std::string secrets_keys;
};

IngestConfig LoadIngestConfig(ConfigSource& source);

class IngestServer {
 public:
  static absl::StatusOr<std::unique_ptr<IngestServer>> Start(const IngestConfig& config);

  int grpc_port() const { return runner_->grpc_port(); }
  int admin_port() const { return runner_->admin_port(); }
  // Group commit's queue and the batches being committed.
  const EventBatcher& batcher() const { return *batcher_; }
  // Stops the inbox worker, then the gRPC server (whose in-flight calls still commit), then
  // commits whatever is queued.
  void Shutdown() {
    inbox_worker_.reset();
    runner_->Shutdown();
    batcher_->Shutdown();
  }

 private:
  IngestServer() = default;

  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<PgPipelinePool> pipeline_;  // group commit's connections
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<PgEventStore> store_;
  std::unique_ptr<MatchingClient> matching_;
  std::unique_ptr<BatchCommitter> committer_;
  std::unique_ptr<EventBatcher> batcher_;
  std::unique_ptr<EventIngestor> ingestor_;
  std::unique_ptr<PgEventLinks> links_;
  std::unique_ptr<EventLinker> linker_;
  std::unique_ptr<PgCustomerErasure> erasure_;
  std::unique_ptr<IngestGrpcService> service_;
  std::unique_ptr<SecretBox> secrets_;
  std::unique_ptr<PgWebhookStore> webhooks_;
  std::unique_ptr<PgDeliveryStore> deliveries_;
  std::unique_ptr<WebhookProcessor> processor_;
  // Webhook deliveries have their own buckets (per source, per tenant), so API traffic never
  // starves a vendor's deliveries nor the reverse.
  std::unique_ptr<RateLimiter> webhook_limiter_;
  std::unique_ptr<WebhookReceiver> receiver_;
  std::unique_ptr<WebhookAdmin> webhook_admin_;
  std::unique_ptr<WebhookGrpcService> webhook_service_;
  std::unique_ptr<InboxWorker> inbox_worker_;
  std::unique_ptr<OutboxPruner> outbox_pruner_;
  std::unique_ptr<GrpcServiceRunner> runner_;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_INGEST_SERVER_H_
