// Assembles a running matching service from its config: pool, store, logic, gRPC server.
// main.cc and the tests both start the service through here.
#ifndef AIEVENTS_SERVICES_MATCHING_MATCHING_SERVER_H_
#define AIEVENTS_SERVICES_MATCHING_MATCHING_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/auth/authenticator.h"
#include "common/pg/pg_pipeline.h"
#include "common/pg/pg_pool.h"
#include "common/rpc/grpc_service_runner.h"
#include "common/runtime/config_source.h"
#include "common/service/service_config.h"
#include "services/matching/customer_directory.h"
#include "services/matching/customer_eraser.h"
#include "services/matching/matching_grpc_service.h"
#include "services/matching/pg_customer_changes.h"
#include "services/matching/pg_customer_erasures.h"
#include "services/matching/pg_customer_store.h"
#include "services/matching/pg_suppressions.h"
#include "services/matching/rematch_worker.h"
#include "services/matching/suppression_hasher.h"

namespace aievents::matching {

struct MatchingConfig {
  ServiceConfig service;
  // ISO 3166 region for phone numbers written without a country code.
  std::string default_phone_region = "US";
  // Connections of the pipelined pool that serves MatchCustomers.
  int match_connections = 4;
  // Where re-matched events are linked (ingest owns ai_events). Not a readiness dependency:
  // matching serves lookups and customers without it.
  std::string ingest_address = "127.0.0.1:7051";
  int ingest_timeout_ms = 5000;
  // How often the re-match worker looks for due customer changes (matching's outbox).
  int rematch_interval_ms = 1000;
  std::string suppression_key_file;
  std::string suppression_key;
  int erasure_batch_size = 500;
  int erasure_worker_delay_ms = 60000;
  int erasure_sweep_delay_ms = 120000;
};

MatchingConfig LoadMatchingConfig(ConfigSource& source);

class MatchingServer {
 public:
  static absl::StatusOr<std::unique_ptr<MatchingServer>> Start(const MatchingConfig& config);

  int grpc_port() const { return runner_->grpc_port(); }
  int admin_port() const { return runner_->admin_port(); }
  void Shutdown() { runner_->Shutdown(); }

  // Points re-matching at ingest's address once it is known (tests start ingest after
  // matching, both on port 0).
  void ConnectIngest(const std::string& address) { events_->Retarget(address); }

 private:
  MatchingServer() = default;

  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<PgPipelinePool> pipeline_;
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<PhoneNormalizer> phones_;
  std::unique_ptr<PgCustomerStore> store_;
  std::unique_ptr<GrpcEventOwnerClient> events_;
  std::unique_ptr<CustomerDirectory> directory_;
  std::unique_ptr<MatchingGrpcService> service_;
  std::unique_ptr<PgCustomerChanges> changes_;
  std::unique_ptr<SuppressionHasher> hasher_;
  std::unique_ptr<PgSuppressions> suppressions_;
  std::unique_ptr<PgCustomerErasures> erasures_;
  std::unique_ptr<CustomerEraser> eraser_;
  std::unique_ptr<RematchWorker> rematch_;
  std::unique_ptr<GrpcServiceRunner> runner_;
};

}  // namespace aievents::matching

#endif  // AIEVENTS_SERVICES_MATCHING_MATCHING_SERVER_H_
