#include "gateway/gateway_server.h"

#include <fstream>
#include <sstream>

#include "aievents/v1/access_service.grpc.pb.h"
#include "aievents/v1/ingest_service.grpc.pb.h"
#include "aievents/v1/matching_service.grpc.pb.h"
#include "aievents/v1/timeline_service.grpc.pb.h"
#include "aievents/v1/webhook_endpoint_service.grpc.pb.h"
#include "aievents/v1/webhook_service.grpc.pb.h"
#include "common/runtime/log.h"
#include "common/runtime/metrics.h"
#include "common/runtime/status_macros.h"
#include "gateway/http_status.h"

namespace aievents::gateway {
namespace {

// The service declared in the same .proto file as `Message`; reaching it through a message
// type guarantees the file's descriptors are linked in.
template <typename Message>
const google::protobuf::ServiceDescriptor* ServiceOf(const char* name) {
  return Message::descriptor()->file()->FindServiceByName(name);
}

// Room a webhook or API body needs besides itself in its backend message: the forwarded
// headers (at most 16 KiB of them), the path, ids and field tags.
constexpr int kMessageEnvelopeBytes = 64 * 1024;

}  // namespace

GatewayConfig LoadGatewayConfig(ConfigSource& source) {
  GatewayConfig config;
  config.listen_host = source.String("listen-host", "127.0.0.1",
                                     "address the HTTP server binds (0.0.0.0 in a container)");
  config.listen_port = source.Int("listen-port", 8080, 0, 65535, "HTTP port (0: any free port)");
  config.admin_host = source.String("admin-host", "127.0.0.1", "host for the admin HTTP port");
  config.admin_port = source.Int("admin-port", 9090, -1, 65535,
                                 "admin HTTP port for /metrics, /healthz, /readyz (-1: off)");
  config.grpc_max_message_bytes =
      source.Int("grpc-max-message-bytes", kDefaultGrpcMaxMessageBytes, 4 * 1024 * 1024,
                 256 * 1024 * 1024, "largest gRPC message sent to or received from a backend");
  config.ingest_address =
      source.String("ingest-address", "127.0.0.1:7051", "host:port of the ingest service");
  config.matching_address =
      source.String("matching-address", "127.0.0.1:7052", "host:port of the matching service");
  config.timeline_address =
      source.String("timeline-address", "127.0.0.1:7053", "host:port of the timeline service");
  config.backend_timeout_ms =
      source.Int("backend-timeout-ms", 10000, 100, 120000, "deadline of each backend call");
  config.max_body_bytes = source.Int("max-body-bytes", 64 * 1024, 1024, 16 * 1024 * 1024,
                                     "largest request body accepted; larger gets 413");
  config.max_webhook_body_bytes =
      source.Int("max-webhook-body-bytes", 1024 * 1024, 1024, 64 * 1024 * 1024,
                 "largest webhook delivery accepted; larger gets 413");
  config.max_connections = source.Int("max-connections", 4096, 1, 1000000,
                                      "open client connections; more get 503 with Retry-After");
  config.http_threads = source.Int("http-threads", 0, 0, 256, "HTTP I/O threads (0: one per core)");
  config.header_timeout_ms =
      source.Int("header-timeout-ms", 10000, 100, 600000,
                 "a request's headers must arrive within this (from connect or first byte)");
  config.body_timeout_ms = source.Int("body-timeout-ms", 30000, 100, 600000,
                                      "a request's body must arrive within this after its headers");
  config.idle_timeout_ms =
      source.Int("idle-timeout-ms", 60000, 100, 3600000,
                 "a kept-alive connection with no request is closed after this");
  config.drain_timeout_ms =
      source.Int("drain-timeout-ms", 20000, 0, 600000,
                 "on SIGTERM, how long in-flight requests may finish before connections close");
  config.batching.max_calls = source.Int("call-batch-max-calls", 500, 1, 1000,
                                         "most calls sent to a backend in one batch RPC");
  config.batching.max_inflight =
      source.Int("call-batch-max-inflight", 4, 1, 64,
                 "batch RPCs out at once per route and API key before calls wait to be batched");
  config.batching.max_wait = std::chrono::microseconds(
      source.Int("call-batch-max-wait-us", 2000, 0, 1000000,
                 "longest a call waits for a batch slot before it is sent anyway"));
  config.log_level = source.String("log-level", "info", "debug, info, warn or error");
  config.streams.heartbeat =
      absl::Seconds(source.Int("stream-heartbeat-seconds", 15, 1, 3600,
                               "a comment line goes to every open event stream this often"));
  config.streams.max_lifetime =
      absl::Seconds(source.Int("stream-max-seconds", 1800, 10, 86400,
                               "an event stream is ended after this long; the client reconnects"));
  config.openapi_file =
      source.String("openapi-file", DefaultOpenApiFile(),
                    "the OpenAPI document served at /openapi.json (\"\": not served)");
  config.console_dir =
      source.String("console-dir", DefaultConsoleDir(),
                    "directory of the web console's files, served under /console/ (\"\": off)");
  // A body must fit in one backend message with room for its envelope (headers, path, ids).
  for (auto [name, bytes] : {std::pair{"max-body-bytes", config.max_body_bytes},
                             std::pair{"max-webhook-body-bytes", config.max_webhook_body_bytes}}) {
    if (static_cast<int64_t>(bytes) + kMessageEnvelopeBytes > config.grpc_max_message_bytes) {
      source.AddProblem(absl::StrCat("setting --", name, " (", bytes, ") plus ",
                                     kMessageEnvelopeBytes,
                                     " bytes of envelope must fit in --grpc-max-message-bytes (",
                                     config.grpc_max_message_bytes, ")"));
    }
  }
  return config;
}

std::string DefaultConsoleDir() { return AIEVENTS_DEFAULT_CONSOLE_DIR; }

std::string DefaultOpenApiFile() { return AIEVENTS_DEFAULT_OPENAPI_FILE; }

std::vector<const google::protobuf::ServiceDescriptor*> FrontedServices() {
  return {ServiceOf<v1::CreateEventRequest>("IngestService"),
          ServiceOf<v1::ReceiveDeliveryRequest>("WebhookService"),
          ServiceOf<v1::GetCustomerRequest>("MatchingService"),
          ServiceOf<v1::GetEventRequest>("TimelineService"),
          ServiceOf<v1::CreateApiKeyRequest>("AccessService"),
          ServiceOf<v1::CreateWebhookEndpointRequest>("WebhookEndpointService")};
}

absl::StatusOr<std::unique_ptr<GatewayServer>> GatewayServer::Start(const GatewayConfig& config) {
  std::unique_ptr<GatewayServer> server(new GatewayServer());
  AIEV_ASSIGN_OR_RETURN(server->routes_, RouteTable::Build(FrontedServices()));
  server->backends_ = std::make_unique<BackendClient>(
      std::map<std::string, std::string>{
          {v1::IngestService::service_full_name(), config.ingest_address},
          {"aievents.v1.WebhookService", config.ingest_address},
          {v1::MatchingService::service_full_name(), config.matching_address},
          {v1::TimelineService::service_full_name(), config.timeline_address},
          // Hosted by the timeline process.
          {"aievents.v1.AccessService", config.timeline_address},
          {"aievents.v1.WebhookEndpointService", config.timeline_address}},
      absl::Milliseconds(config.backend_timeout_ms), config.grpc_max_message_bytes);
  BodyLimits limits{static_cast<size_t>(config.max_body_bytes),
                    static_cast<size_t>(config.max_webhook_body_bytes)};
  server->batcher_ = std::make_unique<CallBatcher>(server->backends_.get(), config.batching);
  server->streams_ = std::make_unique<EventStreamBridge>(server->backends_.get(), config.streams);
  server->documents_ = std::make_unique<DocumentStreamBridge>(server->backends_.get(),
                                                              DocumentStreamBridge::Options());
  if (!config.console_dir.empty()) {
    AIEV_ASSIGN_OR_RETURN(server->console_, ConsoleFiles::Load(config.console_dir));
  }
  if (!config.openapi_file.empty()) {
    std::ifstream in(config.openapi_file);
    if (!in) {
      return absl::NotFoundError(
          absl::StrCat("openapi-file ", config.openapi_file, " cannot be read"));
    }
    std::stringstream text;
    text << in.rdbuf();
    server->openapi_ = text.str();
  }
  server->handler_ = std::make_unique<GatewayHandler>(
      &server->routes_, server->backends_.get(), server->batcher_.get(), limits, &server->console_,
      server->streams_.get(), server->documents_.get(), &server->openapi_);
  Metrics::Global().DescribeCounter("aievents_http_requests_total",
                                    "HTTP requests answered, by route and status.");
  Metrics::Global().DescribeHistogram("aievents_http_request_duration_seconds",
                                      "HTTP request latency, by route.");
  HttpServer::Options options;
  options.host = config.listen_host;
  options.port = config.listen_port;
  options.max_body_bytes = std::max(limits.api_bytes, limits.raw_bytes);
  options.max_connections = config.max_connections;
  options.threads = config.http_threads;
  options.header_timeout = std::chrono::milliseconds(config.header_timeout_ms);
  options.body_timeout = std::chrono::milliseconds(config.body_timeout_ms);
  options.idle_timeout = std::chrono::milliseconds(config.idle_timeout_ms);
  options.drain_timeout = std::chrono::milliseconds(config.drain_timeout_ms);
  BackendClient* backends = server->backends_.get();
  options.on_drain_timeout = [backends] { backends->CancelAll(); };
  options.error_response = [](int status, const std::string& message) {
    const char* code = status == 413   ? "PAYLOAD_TOO_LARGE"
                       : status == 414 ? "URI_TOO_LONG"
                       : status == 431 ? "REQUEST_HEADER_FIELDS_TOO_LARGE"
                       : status == 503 ? "UNAVAILABLE"
                       : status == 500 ? "INTERNAL"
                                       : "INVALID_ARGUMENT";
    return ErrorResponse(status, code, message);
  };
  GatewayHandler* handler = server->handler_.get();
  AIEV_ASSIGN_OR_RETURN(server->http_, HttpServer::Start(options, [handler](HttpRequest request,
                                                                            HttpResponder respond) {
                          handler->Handle(std::move(request), std::move(respond));
                        }));
  if (config.admin_port >= 0) {
    HttpServer::Options admin_options;
    admin_options.host = config.admin_host;
    admin_options.port = config.admin_port;
    admin_options.threads = 1;  // metrics and probes only
    HttpServer* http = server->http_.get();
    AIEV_ASSIGN_OR_RETURN(
        server->admin_,
        HttpServer::Start(admin_options, [handler, http](const HttpRequest& request) {
          if (request.path == "/metrics") {
            Metrics::Global().SetGauge("aievents_http_open_connections", {},
                                       http->open_connections());
          }
          return handler->Admin(request);
        }));
  }
  log::Info("started", {{"service", "gateway"},
                        {"port", std::to_string(server->port())},
                        {"admin_port", std::to_string(server->admin_port())}});
  return server;
}

void GatewayServer::Shutdown() {
  handler_->StartDraining();
  http_->Shutdown();
  if (admin_) admin_->Shutdown();
}

}  // namespace aievents::gateway
