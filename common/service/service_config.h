// Settings every gRPC service shares, read once at start-up, and the pieces every service
// builds from them the same way (connection pool, runner options).
#ifndef AIEVENTS_COMMON_SERVICE_SERVICE_CONFIG_H_
#define AIEVENTS_COMMON_SERVICE_SERVICE_CONFIG_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth/authenticator.h"
#include "common/pg/pg_pipeline.h"
#include "common/pg/pg_pool.h"
#include "common/rpc/grpc_service_runner.h"
#include "common/rpc/internal_channel.h"
#include "common/runtime/config_source.h"

namespace aievents {

struct ServiceConfig {
  std::string database_url;
  std::string grpc_address;  // host:port the gRPC server listens on
  std::string admin_host;    // host of the admin HTTP port (/metrics, /healthz, /readyz)
  int admin_port = -1;       // -1 disables it
  int db_pool_size = 8;
  int db_statement_timeout_ms = 10000;  // statement_timeout on every connection
  // The database URLs lead to a pooler in transaction mode (db-pooler-mode=transaction): see
  // PgPool::Options::transaction_pooler.
  bool db_transaction_pooler = false;
  int auth_cache_seconds = 4;  // how long a key stays trusted after a lookup (at most 4)
  // Token buckets per API key and per tenant, in this replica (per_second 0: no limit).
  RateLimiter::Limit rate_limit_key;
  RateLimiter::Limit rate_limit_tenant;
  std::string log_level = "info";
  // Shared secret for calls between the services.
  std::string internal_token;
  int grpc_max_message_bytes = kDefaultGrpcMaxMessageBytes;  // largest gRPC message, each way
  int drain_timeout_ms = 5000;  // on SIGTERM, how long calls in flight may finish
};

// Reads the shared settings; `default_grpc_port` and `default_admin_port` differ per service.
ServiceConfig LoadServiceConfig(ConfigSource& source, int default_grpc_port,
                                int default_admin_port);

// A pool on `config.database_url`; the stores built on it register their statements.
// `generic_plans` as PgPool::Options::generic_plans; `name` labels its metrics.
absl::StatusOr<std::unique_ptr<PgPool>> CreateServicePool(const ServiceConfig& config,
                                                          bool generic_plans = false,
                                                          const std::string& name = "main");

// Options for a pipelined pool of `size` connections on `config.database_url`, named `name` in
// its metrics, with the process's statement timeout and pooler mode (stores register their
// statements).
PgPipelinePool::Options ServicePipelineOptions(const ServiceConfig& config, const std::string& name,
                                               int size);

// The authenticator's settings (cache lifetime, internal token, rate limits).
Authenticator::Options AuthenticatorOptions(const ServiceConfig& config);

// Runner options for one gRPC service named `service_name`, ready when `readiness` is OK.
GrpcServiceRunner::Options RunnerOptions(const ServiceConfig& config,
                                         const std::string& service_name,
                                         std::function<absl::Status()> readiness);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_SERVICE_SERVICE_CONFIG_H_
