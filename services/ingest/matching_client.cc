#include "services/ingest/matching_client.h"

#include "absl/time/clock.h"
#include "common/field_violations.h"
#include "common/grpc_client.h"
#include "grpcpp/create_channel.h"

namespace aievents::ingest {

GrpcMatchingClient::GrpcMatchingClient(const std::string& target, absl::Duration timeout)
    : channel_(grpc::CreateChannel(target, grpc::InsecureChannelCredentials())),
      stub_(v1::MatchingService::NewStub(channel_)),
      health_(grpc::health::v1::Health::NewStub(channel_)),
      timeout_(timeout) {}

absl::StatusOr<v1::MatchCustomerResponse> GrpcMatchingClient::Match(
    const RequestContext& context, const v1::CustomerLookup& lookup) {
  grpc::ClientContext call;
  PrepareOutgoingCall(call, context, timeout_);
  v1::MatchCustomerRequest request;
  *request.mutable_customer_lookup() = lookup;
  v1::MatchCustomerResponse response;
  grpc::Status status = stub_->MatchCustomer(&call, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::Status GrpcMatchingClient::CheckHealth() {
  return CheckGrpcHealth(*health_, v1::MatchingService::service_full_name(), absl::Seconds(2));
}

}  // namespace aievents::ingest
