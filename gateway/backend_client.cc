#include "gateway/backend_client.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/rpc/grpc_client.h"
#include "common/rpc/grpc_status.h"
#include "common/rpc/internal_channel.h"
#include "grpcpp/support/byte_buffer.h"

namespace aievents::gateway {

// One call in flight: what the callback API needs to outlive the call.
struct BackendClient::PendingCall {
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
  Callback done;
};

namespace {

// How long the destructor waits for cancelled calls to report back.
constexpr auto kCancelGrace = std::chrono::seconds(5);
// How often health is checked while some backend is away.
constexpr absl::Duration kRecheckAway = absl::Milliseconds(100);

}  // namespace

BackendClient::BackendClient(const std::map<std::string, std::string>& addresses,
                             absl::Duration timeout, int max_message_bytes,
                             absl::Duration health_interval)
    : timeout_(timeout), health_interval_(health_interval) {
  for (const auto& [service, address] : addresses) {
    Backend backend;
    backend.channel = NewInternalChannel(address, max_message_bytes);
    backend.stub = std::make_unique<grpc::GenericStub>(backend.channel);
    backend.health = grpc::health::v1::Health::NewStub(backend.channel);
    backends_.emplace(service, std::move(backend));
    health_[service] = absl::UnavailableError(absl::StrCat(service, " not checked yet"));
  }
  health_poller_ = std::thread([this] { PollHealth(); });
}

BackendClient::~BackendClient() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  health_poller_.join();
  CancelAll();
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, kCancelGrace, [this] { return pending_.empty(); });
}

void BackendClient::Call(const std::string& service, const std::string& grpc_path,
                         const std::string& request,
                         const std::vector<std::pair<std::string, std::string>>& metadata,
                         Callback done) {
  auto it = backends_.find(service);
  if (it == backends_.end()) {
    done(absl::UnimplementedError(absl::StrCat("no backend configured for ", service)));
    return;
  }
  auto* call = new PendingCall();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      delete call;
      done(absl::UnavailableError("the gateway is shutting down"));
      return;
    }
    pending_.insert(call);
  }
  call->done = std::move(done);
  call->context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  for (const auto& [key, value] : metadata) call->context.AddMetadata(key, value);
  grpc::Slice slice(request);
  call->request = grpc::ByteBuffer(&slice, 1);
  it->second.stub->UnaryCall(
      &call->context, grpc_path, grpc::StubOptions(), &call->request, &call->response,
      [this, call](grpc::Status status) {
        absl::StatusOr<Reply> result;
        if (!status.ok()) {
          result = FromGrpcStatus(status);
        } else {
          Reply reply;
          std::vector<grpc::Slice> slices;
          if (!call->response.Dump(&slices).ok()) {
            result = absl::InternalError("cannot read the backend's response");
          } else {
            for (const grpc::Slice& part : slices) {
              reply.body.append(reinterpret_cast<const char*>(part.begin()), part.size());
            }
            for (const auto& [key, value] : call->context.GetServerInitialMetadata()) {
              reply.initial_metadata.emplace(std::string(key.data(), key.size()),
                                             std::string(value.data(), value.size()));
            }
            result = std::move(reply);
          }
        }
        call->done(std::move(result));
        // Last touch of `this`: the destructor may return as soon as the lock is released.
        {
          std::lock_guard lock(mutex_);
          pending_.erase(call);
          changed_.notify_all();
        }
        delete call;
      });
}

void BackendClient::CancelAll() {
  std::lock_guard lock(mutex_);
  for (PendingCall* call : pending_) call->context.TryCancel();
}

std::map<std::string, absl::Status> BackendClient::Health() {
  std::lock_guard lock(mutex_);
  return health_;
}

void BackendClient::PollHealth() {
  // One round checks every backend at once (asynchronously), so a round takes at most one
  // check's deadline and shutdown can cancel it.
  struct Check {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    absl::Status result;
  };
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    std::map<std::string, std::unique_ptr<Check>> checks;
    int remaining = static_cast<int>(backends_.size());
    for (auto& [service, backend] : backends_) {
      auto check = std::make_unique<Check>();
      check->context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
      check->request.set_service(service);
      Check* raw = check.get();
      std::string name = service;
      backend.health->async()->Check(
          &raw->context, &raw->request, &raw->response,
          [this, raw, name, &remaining](grpc::Status status) {
            if (!status.ok()) {
              raw->result = absl::UnavailableError(
                  absl::StrCat(name, " unreachable: ", status.error_message()));
            } else if (raw->response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
              raw->result = absl::UnavailableError(absl::StrCat(name, " is not serving"));
            }
            std::lock_guard lock(mutex_);
            --remaining;
            changed_.notify_all();
          });
      checks.emplace(service, std::move(check));
    }
    changed_.wait(lock, [&] { return remaining == 0 || stopping_; });
    if (remaining > 0) {
      for (auto& [service, check] : checks) check->context.TryCancel();
      changed_.wait(lock, [&] { return remaining == 0; });
      return;
    }
    bool all_healthy = true;
    for (auto& [service, check] : checks) {
      health_[service] = check->result;
      all_healthy = all_healthy && check->result.ok();
    }
    // While a backend is away, look again soon: /readyz should turn green as soon as it is
    // back, not up to a whole interval later.
    absl::Duration next = all_healthy ? health_interval_ : std::min(health_interval_, kRecheckAway);
    changed_.wait_for(lock, absl::ToChronoMilliseconds(next), [this] { return stopping_; });
  }
}

}  // namespace aievents::gateway
