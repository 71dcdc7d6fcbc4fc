// aievents-gateway: the HTTP/JSON front door, translating to the backend gRPC services.
#include "common/runtime/service_main.h"
#include "gateway/gateway_server.h"

int main(int argc, char** argv) {
  using aievents::gateway::GatewayConfig;
  return aievents::RunServiceMain<aievents::gateway::GatewayServer>(
      "aievents-gateway", argc, argv, aievents::gateway::LoadGatewayConfig,
      [](const GatewayConfig& config) { return config.log_level; });
}
