#include "gateway/backend_client.h"

#include <future>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/field_violations.h"
#include "common/grpc_client.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/support/byte_buffer.h"

namespace aievents::gateway {

BackendClient::BackendClient(const std::map<std::string, std::string>& addresses,
                             absl::Duration timeout)
    : timeout_(timeout) {
  for (const auto& [service, address] : addresses) {
    Backend backend;
    backend.channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    backend.stub = std::make_unique<grpc::GenericStub>(backend.channel);
    backend.health = grpc::health::v1::Health::NewStub(backend.channel);
    backends_.emplace(service, std::move(backend));
  }
}

absl::StatusOr<BackendClient::Reply> BackendClient::Call(
    const std::string& service, const std::string& grpc_path, const std::string& request,
    const std::vector<std::pair<std::string, std::string>>& metadata) {
  auto it = backends_.find(service);
  if (it == backends_.end()) {
    return absl::UnimplementedError(absl::StrCat("no backend configured for ", service));
  }
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  for (const auto& [key, value] : metadata) context.AddMetadata(key, value);
  grpc::Slice slice(request);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  std::promise<grpc::Status> done;
  it->second.stub->UnaryCall(&context, grpc_path, grpc::StubOptions(), &request_buffer,
                             &response_buffer,
                             [&done](grpc::Status status) { done.set_value(std::move(status)); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) return FromGrpcStatus(status);
  Reply reply;
  std::vector<grpc::Slice> slices;
  if (!response_buffer.Dump(&slices).ok()) {
    return absl::InternalError("cannot read the backend's response");
  }
  for (const grpc::Slice& part : slices) {
    reply.body.append(reinterpret_cast<const char*>(part.begin()), part.size());
  }
  for (const auto& [key, value] : context.GetServerInitialMetadata()) {
    reply.initial_metadata.emplace(std::string(key.data(), key.size()),
                                   std::string(value.data(), value.size()));
  }
  return reply;
}

std::map<std::string, absl::Status> BackendClient::CheckHealth() {
  std::map<std::string, absl::Status> health;
  for (auto& [service, backend] : backends_) {
    health[service] = CheckGrpcHealth(*backend.health, service, absl::Seconds(2));
  }
  return health;
}

}  // namespace aievents::gateway
