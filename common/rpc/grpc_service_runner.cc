#include "common/rpc/grpc_service_runner.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/runtime/log.h"
#include "common/runtime/metrics.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/support/server_interceptor.h"

namespace aievents {
namespace {

// Counts every RPC by method and status code and records its latency.
class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit MetricsInterceptor(grpc::experimental::ServerRpcInfo* info)
      : method_(info->method()), start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      Metrics::Global().Increment(
          "aievents_grpc_requests_total",
          {{"method", method_}, {"code", std::to_string(status.error_code())}});
      Metrics::Global().Observe("aievents_grpc_request_duration_seconds", {{"method", method_}},
                                seconds);
    }
    methods->Proceed();
  }

 private:
  std::string method_;
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
  Metrics::Global().DescribeCounter("aievents_grpc_requests_total",
                                    "gRPC calls served, by method and status code.");
  Metrics::Global().DescribeHistogram("aievents_grpc_request_duration_seconds",
                                      "gRPC call latency, by method.");

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
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
  }
  stop_.notify_all();
  if (poller_.joinable()) poller_.join();
  if (admin_) admin_->Shutdown();
  if (server_) {
    server_->GetHealthCheckService()->Shutdown();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }
}

GrpcServiceRunner::~GrpcServiceRunner() { Shutdown(); }

}  // namespace aievents
