#include "common/service/service_config.h"

#include "absl/strings/str_cat.h"
#include "common/audit/audit_trail.h"
#include "common/auth/authenticator.h"
#include "common/rpc/internal_channel.h"

namespace aievents {

ServiceConfig LoadServiceConfig(ConfigSource& source, int default_grpc_port,
                                int default_admin_port) {
  ServiceConfig config;
  config.database_url = source.RequiredString(
      "database-url", "PostgreSQL connection URI, e.g. postgresql://user@host:5432/aievents");
  config.grpc_address =
      source.String("grpc-listen", absl::StrCat("127.0.0.1:", default_grpc_port),
                    "host:port for the gRPC server (0.0.0.0:PORT in a container)");
  config.admin_host = source.String("admin-host", "127.0.0.1", "host for the admin HTTP port");
  config.admin_port = source.Int("admin-port", default_admin_port, -1, 65535,
                                 "admin HTTP port for /metrics, /healthz, /readyz (-1: off)");
  config.db_pool_size =
      source.Int("db-pool-size", 8, 1, 256, "PostgreSQL connections this process may open");
  config.db_statement_timeout_ms = source.Int(
      "db-statement-timeout-ms", 10000, 100, 600000,
      "the longest a database statement may run before it is cancelled (statement_timeout)");
  std::string pooler_mode = source.String(
      "db-pooler-mode", "session",
      "session: each database connection is a session of its own (PostgreSQL directly, or "
      "PgBouncer pool_mode=session); transaction: the URLs lead to PgBouncer "
      "pool_mode=transaction, so statements are not prepared and settings are made per "
      "transaction");
  if (pooler_mode != "session" && pooler_mode != "transaction") {
    source.AddProblem(absl::StrCat(
        "setting --db-pooler-mode must be session or transaction, not \"", pooler_mode, "\""));
  }
  config.db_transaction_pooler = pooler_mode == "transaction";
  config.auth_cache_seconds =
      source.Int("auth-cache-seconds", 4, 0, 4,
                 "how long an API key lookup is trusted; a revoked or rotated-out key works at "
                 "most this long on each replica");
  config.rate_limit_key.per_second =
      source.Int("rate-limit-key-per-second", 100, 0, 1000000,
                 "calls a second one API key may make to this replica (0: no limit)");
  config.rate_limit_key.burst =
      source.Int("rate-limit-key-burst", 200, 1, 10000000, "calls one API key may make at once");
  config.rate_limit_tenant.per_second = source.Int(
      "rate-limit-tenant-per-second", 500, 0, 1000000,
      "calls a second all of a tenant's keys together may make to this replica (0: no limit)");
  config.rate_limit_tenant.burst = source.Int("rate-limit-tenant-burst", 1000, 1, 10000000,
                                              "calls a tenant's keys may make at once");
  config.log_level = source.String("log-level", "info", "debug, info, warn or error");
  config.internal_token = source.RequiredString(
      "internal-token",
      "shared secret (32+ characters) for calls between the services; the same value on "
      "every service");
  config.grpc_max_message_bytes =
      source.Int("grpc-max-message-bytes", kDefaultGrpcMaxMessageBytes, 4 * 1024 * 1024,
                 256 * 1024 * 1024, "largest gRPC message this process receives or sends");
  config.drain_timeout_ms =
      source.Int("drain-timeout-ms", 5000, 0, 600000,
                 "on SIGTERM, how long calls in flight may finish before they are cancelled");
  if (!config.internal_token.empty() && config.internal_token.size() < 32) {
    source.AddProblem("setting --internal-token must be at least 32 characters");
  }
  return config;
}

absl::StatusOr<std::unique_ptr<PgPool>> CreateServicePool(const ServiceConfig& config,
                                                          bool generic_plans,
                                                          const std::string& name) {
  PgPool::Options options;
  options.name = name;
  options.generic_plans = generic_plans;
  options.database_url = config.database_url;
  options.size = config.db_pool_size;
  options.statement_timeout = std::chrono::milliseconds(config.db_statement_timeout_ms);
  options.transaction_pooler = config.db_transaction_pooler;
  // No statements here: each store (and the authenticator) registers its own with the pool.
  return PgPool::Create(std::move(options));
}

PgPipelinePool::Options ServicePipelineOptions(const ServiceConfig& config, const std::string& name,
                                               int size) {
  PgPipelinePool::Options options;
  options.name = name;
  options.database_url = config.database_url;
  options.statement_timeout = std::chrono::milliseconds(config.db_statement_timeout_ms);
  options.transaction_pooler = config.db_transaction_pooler;
  options.size = size;
  return options;
}

Authenticator::Options AuthenticatorOptions(const ServiceConfig& config) {
  Authenticator::Options options;
  options.cache_ttl = absl::Seconds(config.auth_cache_seconds);
  options.internal_token = config.internal_token;
  options.per_key = config.rate_limit_key;
  options.per_tenant = config.rate_limit_tenant;
  return options;
}

GrpcServiceRunner::Options RunnerOptions(const ServiceConfig& config,
                                         const std::string& service_name,
                                         std::function<absl::Status()> readiness) {
  GrpcServiceRunner::Options options;
  options.grpc_address = config.grpc_address;
  options.admin_host = config.admin_host;
  options.admin_port = config.admin_port;
  options.health_service_names = {service_name};
  options.readiness = std::move(readiness);
  options.max_message_bytes = config.grpc_max_message_bytes;
  options.drain_timeout = std::chrono::milliseconds(config.drain_timeout_ms);
  return options;
}

}  // namespace aievents
