// Calls the backend gRPC services generically and asynchronously: serialized request in,
// serialized response and initial metadata out through a callback, so the gateway needs no
// per-RPC code and no thread waits for a backend. Also keeps each backend's health, polled in
// the background, for /readyz.
#ifndef AIEVENTS_GATEWAY_BACKEND_CLIENT_H_
#define AIEVENTS_GATEWAY_BACKEND_CLIENT_H_

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/rpc/internal_channel.h"
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
  using Callback = std::function<void(absl::StatusOr<Reply>)>;

  // `addresses` maps a fully-qualified service name to its host:port; every call has
  // `timeout`. Messages each way are at most `max_message_bytes`. Backend health is polled
  // every `health_interval`, and every 100 ms while a backend is away.
  BackendClient(const std::map<std::string, std::string>& addresses, absl::Duration timeout,
                int max_message_bytes = kDefaultGrpcMaxMessageBytes,
                absl::Duration health_interval = absl::Milliseconds(500));
  // Cancels the calls still in flight and waits (boundedly) for their callbacks.
  ~BackendClient();

  // Calls `grpc_path` ("/aievents.v1.IngestService/CreateEvent") on the backend serving
  // `service`, with `metadata` added. `done` runs exactly once, on a gRPC thread (or at once on
  // this one when the service is unknown); it must not block.
  void Call(const std::string& service, const std::string& grpc_path, const std::string& request,
            const std::vector<std::pair<std::string, std::string>>& metadata, Callback done);

  // The generic stub of the backend serving `service` (for streaming calls), or nullptr.
  grpc::GenericStub* StubFor(const std::string& service) {
    auto it = backends_.find(service);
    return it == backends_.end() ? nullptr : it->second.stub.get();
  }

  // Cancels every call in flight; their callbacks get CANCELLED. Used when the HTTP drain
  // period ends.
  void CancelAll();

  // The latest health of every backend by service name (OK when SERVING); UNAVAILABLE
  // "not checked yet" before the first poll completes.
  std::map<std::string, absl::Status> Health();

 private:
  struct Backend {
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<grpc::GenericStub> stub;
    std::unique_ptr<grpc::health::v1::Health::Stub> health;
  };
  struct PendingCall;

  void PollHealth();

  std::map<std::string, Backend> backends_;
  absl::Duration timeout_;
  absl::Duration health_interval_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::set<PendingCall*> pending_;
  std::map<std::string, absl::Status> health_;
  bool stopping_ = false;
  std::thread health_poller_;
};

}  // namespace aievents::gateway

#endif  // AIEVENTS_GATEWAY_BACKEND_CLIENT_H_
