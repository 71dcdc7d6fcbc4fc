// Assembles the running HTTP/JSON gateway from its config. main.cc and the tests start it here.
#ifndef AIEVENTS_GATEWAY_GATEWAY_SERVER_H_
#define AIEVENTS_GATEWAY_GATEWAY_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/http/http_server.h"
#include "common/rpc/internal_channel.h"
#include "common/runtime/config_source.h"
#include "gateway/backend_client.h"
#include "gateway/call_batcher.h"
#include "gateway/gateway_handler.h"
#include "gateway/route_table.h"

namespace aievents::gateway {

struct GatewayConfig {
  std::string listen_host = "127.0.0.1";
  int listen_port = 8080;
  // The admin port: /metrics, /healthz, /readyz, never on the public port. -1: off.
  std::string admin_host = "127.0.0.1";
  int admin_port = -1;
  // Largest gRPC message to or from a backend; the body limits must fit in it.
  int grpc_max_message_bytes = kDefaultGrpcMaxMessageBytes;
  std::string ingest_address = "127.0.0.1:7051";
  std::string matching_address = "127.0.0.1:7052";
  std::string timeline_address = "127.0.0.1:7053";
  int backend_timeout_ms = 10000;
  int max_body_bytes = 64 * 1024;
  int max_webhook_body_bytes = 1024 * 1024;
  int max_connections = 4096;
  int http_threads = 0;  // 0: one per core
  int header_timeout_ms = 10000;
  int body_timeout_ms = 30000;
  int idle_timeout_ms = 60000;
  int drain_timeout_ms = 20000;
  EventStreamBridge::Options streams;
  CallBatcher::Options batching;
  std::string log_level = "info";
  std::string console_dir;   // "" turns the console off
  std::string openapi_file;  // "" serves no /openapi.json
};

GatewayConfig LoadGatewayConfig(ConfigSource& source);

// Where the console's files are when console-dir is not set: the source tree's console/.
std::string DefaultConsoleDir();
// The OpenAPI document served when openapi-file is not set: the source tree's docs/openapi.json.
std::string DefaultOpenApiFile();

// The services the gateway fronts (its routes come from their methods' HTTP options).
std::vector<const google::protobuf::ServiceDescriptor*> FrontedServices();

class GatewayServer {
 public:
  static absl::StatusOr<std::unique_ptr<GatewayServer>> Start(const GatewayConfig& config);

  int port() const { return http_->port(); }
  int admin_port() const { return admin_ ? admin_->port() : -1; }
  int open_connections() const { return http_->open_connections(); }
  // Graceful drain: /readyz answers 503 at once, then HttpServer::Shutdown; backend calls still
  // running when the drain period ends are cancelled. The admin port closes last.
  void Shutdown();

 private:
  GatewayServer() = default;

  // Destroyed bottom-up: the HTTP server drains first, then the backend client cancels and
  // awaits its calls, whose callbacks may still use the batcher and the routes.
  RouteTable routes_;
  std::unique_ptr<CallBatcher> batcher_;
  std::unique_ptr<BackendClient> backends_;
  ConsoleFiles console_;
  std::string openapi_;
  std::unique_ptr<EventStreamBridge> streams_;
  std::unique_ptr<DocumentStreamBridge> documents_;
  std::unique_ptr<GatewayHandler> handler_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<HttpServer> admin_;
};

}  // namespace aievents::gateway

#endif  // AIEVENTS_GATEWAY_GATEWAY_SERVER_H_
