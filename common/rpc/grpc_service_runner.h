// Runs one process's gRPC services the same way everywhere: standard health checking (its
// status follows a readiness probe, polled every second, every 100 ms while not ready), server
// reflection, per-method metrics (grpc_server_*), keepalive and message limits that match
// NewInternalChannel, a bounded drain, and an admin HTTP port with /metrics, /healthz and
// /readyz for Prometheus and Kubernetes.
#ifndef AIEVENTS_COMMON_RPC_GRPC_SERVICE_RUNNER_H_
#define AIEVENTS_COMMON_RPC_GRPC_SERVICE_RUNNER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "common/http/http_server.h"
#include "common/rpc/internal_channel.h"
#include "grpcpp/server.h"

namespace aievents {

class GrpcServiceRunner {
 public:
  struct Options {
    // host:port for gRPC; port 0 picks a free one (see grpc_port()).
    std::string grpc_address = "127.0.0.1:0";
    // Admin HTTP listener; admin_port < 0 disables it.
    std::string admin_host = "127.0.0.1";
    int admin_port = -1;
    // Fully-qualified service names whose health status follows `readiness`.
    std::vector<std::string> health_service_names;
    // OK when the process can do its work (database reachable, peers reachable).
    std::function<absl::Status()> readiness;
    // Largest message received or sent (see kDefaultGrpcMaxMessageBytes).
    int max_message_bytes = kDefaultGrpcMaxMessageBytes;
    // On Shutdown(): how long calls in flight may finish before they are cancelled.
    std::chrono::milliseconds drain_timeout{5000};
    // A connection older than this is sent GOAWAY (calls open on it finish), so clients
    // resolve the name again and find replicas added since (docs/kubernetes.md).
    std::chrono::milliseconds max_connection_age{std::chrono::minutes(5)};
  };

  static absl::StatusOr<std::unique_ptr<GrpcServiceRunner>> Start(
      Options options, const std::vector<grpc::Service*>& services);

  ~GrpcServiceRunner();

  int grpc_port() const { return grpc_port_; }
  int admin_port() const;

  // Drains: health turns NOT_SERVING and /readyz 503 at once, the gRPC server stops taking
  // calls (GOAWAY) and gives those in flight `drain_timeout`, then the admin port closes.
  void Shutdown();

 private:
  GrpcServiceRunner() = default;
  void PollReadiness();

  Options options_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<HttpServer> admin_;
  int grpc_port_ = 0;
  std::thread poller_;
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::atomic<bool> ready_{false};
  std::string not_ready_reason_;
};

}  // namespace aievents

#endif  // AIEVENTS_COMMON_RPC_GRPC_SERVICE_RUNNER_H_
