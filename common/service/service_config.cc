#include "common/service/service_config.h"

#include "absl/strings/str_cat.h"
#include "common/auth/authenticator.h"

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
  config.auth_cache_seconds =
      source.Int("auth-cache-seconds", 30, 0, 3600,
                 "how long an API key lookup is cached; a revoked key works at most this long");
  config.log_level = source.String("log-level", "info", "debug, info, warn or error");
  config.internal_token = source.String(
      "internal-token", "",
      "shared secret (32+ characters) for internal calls such as webhook processing; the same "
      "value on ingest and matching");
  if (!config.internal_token.empty() && config.internal_token.size() < 32) {
    source.AddProblem("setting --internal-token must be at least 32 characters");
  }
  return config;
}

absl::StatusOr<std::unique_ptr<PgPool>> CreateServicePool(const ServiceConfig& config,
                                                          std::vector<PgStatement> statements,
                                                          bool generic_plans) {
  PgPool::Options options;
  options.generic_plans = generic_plans;
  options.database_url = config.database_url;
  options.size = config.db_pool_size;
  options.statements = std::move(statements);
  for (const PgStatement& statement : Authenticator::Statements()) {
    options.statements.push_back(statement);
  }
  return PgPool::Create(std::move(options));
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
  return options;
}

}  // namespace aievents
