#include "common/rpc/grpc_client.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace aievents {

void PrepareOutgoingCall(grpc::ClientContext& call, const RequestContext& context,
                         absl::Duration timeout) {
  for (const auto& [key, value] : context.forward_metadata) call.AddMetadata(key, value);
  if (!context.request_id.empty()) call.AddMetadata("x-request-id", context.request_id);
  call.set_deadline(absl::ToChronoTime(std::min(absl::Now() + timeout, context.deadline)));
}

absl::Status CheckGrpcHealth(grpc::health::v1::Health::Stub& health, const std::string& service,
                             absl::Duration timeout) {
  grpc::ClientContext call;
  call.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = health.Check(&call, request, &response);
  if (!status.ok()) {
    return absl::UnavailableError(absl::StrCat(service, " unreachable: ", status.error_message()));
  }
  if (response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
    return absl::UnavailableError(absl::StrCat(service, " is not serving"));
  }
  return absl::OkStatus();
}

}  // namespace aievents
