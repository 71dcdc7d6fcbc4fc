// Settings every gRPC service shares, read once at start-up.
#ifndef AIEVENTS_COMMON_SERVICE_CONFIG_H_
#define AIEVENTS_COMMON_SERVICE_CONFIG_H_

#include <string>

#include "common/config_source.h"

namespace aievents {

struct ServiceConfig {
  std::string database_url;
  std::string grpc_address;  // host:port the gRPC server listens on
  std::string admin_host;    // host of the admin HTTP port (/metrics, /healthz, /readyz)
  int admin_port = -1;       // -1 disables it
  int db_pool_size = 8;
  int auth_cache_seconds = 30;  // how long a key stays trusted after a lookup
  std::string log_level = "info";
};

// Reads the shared settings; `default_grpc_port` and `default_admin_port` differ per service.
ServiceConfig LoadServiceConfig(ConfigSource& source, int default_grpc_port,
                                int default_admin_port);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_SERVICE_CONFIG_H_
