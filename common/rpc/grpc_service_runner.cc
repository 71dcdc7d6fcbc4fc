#include "common/rpc/grpc_service_runner.h"

#include <chrono>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/runtime/log.h"
#include "common/runtime/metrics.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/support/server_interceptor.h"

namespace aievents {
namespace {

// The go-grpc-prometheus names and labels, which dashboards and alerts already know.
const char* GrpcType(grpc::experimental::ServerRpcInfo::Type type) {
  using Type = grpc::experimental::ServerRpcInfo::Type;
  switch (type) {
    case Type::UNARY:
      return "unary";
    case Type::CLIENT_STREAMING:
      return "client_stream";
    case Type::SERVER_STREAMING:
      return "server_stream";
    case Type::BIDI_STREAMING:
      return "bidi_stream";
    default:
      return "unknown";
  }
}

// Counts every RPC as started and handled (by code), records its latency, and keeps a gauge of
// the streams open now.
class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit MetricsInterceptor(grpc::experimental::ServerRpcInfo* info)
      : start_(std::chrono::steady_clock::now()) {
    // "/aievents.v1.IngestService/CreateEvent" -> service and method.
    std::string full = info->method() == nullptr ? "" : info->method();
    size_t slash = full.rfind('/');
    std::string service = slash == std::string::npos ? full : full.substr(1, slash - 1);
    std::string method = slash == std::string::npos ? "" : full.substr(slash + 1);
    labels_ = {
        {"grpc_method", method}, {"grpc_service", service}, {"grpc_type", GrpcType(info->type())}};
    streaming_ = info->type() != grpc::experimental::ServerRpcInfo::Type::UNARY;
    Metrics::Global().Increment("grpc_server_started_total", labels_);
    if (streaming_) Metrics::Global().AddGauge(kOpenStreams, StreamLabels(), 1);
  }

  ~MetricsInterceptor() override {
    if (streaming_) Metrics::Global().AddGauge(kOpenStreams, StreamLabels(), -1);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      MetricLabels handled = labels_;
      // gRPC and Abseil number their codes alike; the label is the name ("NOT_FOUND").
      handled.emplace_back("grpc_code", absl::StatusCodeToString(
                                            static_cast<absl::StatusCode>(status.error_code())));
      Metrics::Global().Increment("grpc_server_handled_total", handled);
      Metrics::Global().Observe("grpc_server_handling_seconds", labels_, seconds);
    }
    methods->Proceed();
  }

 private:
  static constexpr char kOpenStreams[] = "aievents_grpc_server_open_streams";

  MetricLabels StreamLabels() const { return {labels_[0], labels_[1]}; }

  MetricLabels labels_;
  bool streaming_ = false;
  std::chrono::steady_clock::time_point start_;
};

class MetricsInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(info);
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<GrpcServiceRunner>> GrpcServiceRunner::Start(
    Options options, const std::vector<grpc::Service*>& services) {
  std::unique_ptr<GrpcServiceRunner> runner(new GrpcServiceRunner());
  runner->options_ = std::move(options);
  Metrics::Global().DescribeCounter("grpc_server_started_total", "gRPC calls started.");
  Metrics::Global().DescribeCounter("grpc_server_handled_total",
                                    "gRPC calls completed, by status code.");
  Metrics::Global().DescribeHistogram("grpc_server_handling_seconds",
                                      "gRPC call latency until the status is sent.");
  Metrics::Global().DescribeGauge("aievents_grpc_server_open_streams",
                                  "Streaming gRPC calls open now.");

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.SetMaxReceiveMessageSize(runner->options_.max_message_bytes);
  builder.SetMaxSendMessageSize(runner->options_.max_message_bytes);
  // Allow the clients' keepalive pings (NewInternalChannel), even between calls; gRPC's
  // default refuses pings more often than every 5 minutes and ends such connections.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             kKeepaliveTimeMs / 2);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 2 * kKeepaliveTimeMs);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, kKeepaliveTimeoutMs);
  // No grace after the age: streams open on an old connection (WatchCustomerEvents) run to
  // their own end; only new calls move to a new connection.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                             static_cast<int>(runner->options_.max_connection_age.count()));
  // gRPC sets SO_REUSEADDR on its listeners, so a restart binds a port its predecessor's
  // connections hold in TIME_WAIT; SO_REUSEPORT, also gRPC's default, would let a second copy
  // of the process share the port silently instead of failing to start.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(runner->options_.grpc_address, grpc::InsecureServerCredentials(),
                           &runner->grpc_port_);
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
  factories.push_back(std::make_unique<MetricsInterceptorFactory>());
  builder.experimental().SetInterceptorCreators(std::move(factories));
  runner->server_ = builder.BuildAndStart();
  if (runner->server_ == nullptr || runner->grpc_port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve gRPC on ", runner->options_.grpc_address));
  }
  for (const std::string& name : runner->options_.health_service_names) {
    runner->server_->GetHealthCheckService()->SetServingStatus(name, false);
  }
  runner->server_->GetHealthCheckService()->SetServingStatus("", false);

  if (runner->options_.admin_port >= 0) {
    HttpServer::Options admin_options;
    admin_options.host = runner->options_.admin_host;
    admin_options.port = runner->options_.admin_port;
    admin_options.threads = 1;  // metrics and probes only
    GrpcServiceRunner* self = runner.get();
    auto admin =
        HttpServer::Start(admin_options, [self](const HttpRequest& request) -> HttpResponse {
          HttpResponse response;
          response.content_type = "text/plain; charset=utf-8";
          if (request.path == "/metrics") {
            response.content_type = "text/plain; version=0.0.4; charset=utf-8";
            response.body = Metrics::Global().RenderPrometheus();
          } else if (request.path == "/healthz") {
            response.body = "ok\n";
          } else if (request.path == "/readyz") {
            std::lock_guard lock(self->mutex_);
            response.status = self->ready_ ? 200 : 503;
            response.body = self->ready_ ? "ready\n" : self->not_ready_reason_ + "\n";
          } else {
            response.status = 404;
            response.body = "not found\n";
          }
          return response;
        });
    if (!admin.ok()) return admin.status();
    runner->admin_ = std::move(*admin);
  }
  runner->poller_ = std::thread([self = runner.get()] { self->PollReadiness(); });
  return runner;
}

int GrpcServiceRunner::admin_port() const { return admin_ ? admin_->port() : -1; }

void GrpcServiceRunner::PollReadiness() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    absl::Status status = options_.readiness ? options_.readiness() : absl::OkStatus();
    lock.lock();
    if (stopping_) break;
    bool ready = status.ok();
    if (ready != ready_) {
      log::Info(ready ? "ready" : "not_ready", {{"reason", std::string(status.message())}});
    }
    ready_ = ready;
    not_ready_reason_ = std::string(status.message());
    for (const std::string& name : options_.health_service_names) {
      server_->GetHealthCheckService()->SetServingStatus(name, ready);
    }
    server_->GetHealthCheckService()->SetServingStatus("", ready);
    // Not ready: look again soon, so readiness returns as soon as the dependency does.
    auto next = ready ? std::chrono::milliseconds(1000) : std::chrono::milliseconds(100);
    stop_.wait_for(lock, next, [this] { return stopping_; });
  }
}

void GrpcServiceRunner::Shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    ready_ = false;
    not_ready_reason_ = "shutting down";
  }
  stop_.notify_all();
  if (poller_.joinable()) poller_.join();
  if (server_) {
    // Not serving first: a probe or a client that asks sees it before the listener goes.
    for (const std::string& name : options_.health_service_names) {
      server_->GetHealthCheckService()->SetServingStatus(name, false);
    }
    server_->GetHealthCheckService()->SetServingStatus("", false);
    log::Info("draining", {{"timeout_ms", std::to_string(options_.drain_timeout.count())}});
    server_->GetHealthCheckService()->Shutdown();
    server_->Shutdown(std::chrono::system_clock::now() + options_.drain_timeout);
  }
  if (admin_) admin_->Shutdown();
}

GrpcServiceRunner::~GrpcServiceRunner() { Shutdown(); }

}  // namespace aievents
