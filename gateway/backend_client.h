// Calls the backend gRPC services generically: serialized request in, serialized response and
// initial metadata out, so the gateway needs no per-RPC code.
#ifndef AIEVENTS_GATEWAY_BACKEND_CLIENT_H_
#define AIEVENTS_GATEWAY_BACKEND_CLIENT_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/generic/generic_stub.h"

namespace aievents::gateway {

class BackendClient {
 public:
  struct Reply {
    std::string body;  // serialized response message
    std::multimap<std::string, std::string> initial_metadata;
  };

  // `addresses` maps a fully-qualified service name to its host:port.
  BackendClient(const std::map<std::string, std::string>& addresses, absl::Duration timeout);

  // Calls `grpc_path` ("/aievents.v1.IngestService/CreateEvent") on the backend serving
  // `service`, with `metadata` added to the call.
  absl::StatusOr<Reply> Call(const std::string& service, const std::string& grpc_path,
                             const std::string& request,
                             const std::vector<std::pair<std::string, std::string>>& metadata);

  // Health of every backend by service name (OK when SERVING).
  std::map<std::string, absl::Status> CheckHealth();

 private:
  struct Backend {
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<grpc::GenericStub> stub;
    std::unique_ptr<grpc::health::v1::Health::Stub> health;
  };

  std::map<std::string, Backend> backends_;
  absl::Duration timeout_;
};

}  // namespace aievents::gateway

#endif  // AIEVENTS_GATEWAY_BACKEND_CLIENT_H_
