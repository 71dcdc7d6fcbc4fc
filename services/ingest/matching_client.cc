#include "services/ingest/matching_client.h"

#include "absl/time/clock.h"
#include "common/rpc/grpc_client.h"
#include "common/rpc/grpc_status.h"
#include "common/rpc/internal_channel.h"

namespace aievents::ingest {

GrpcMatchingClient::GrpcMatchingClient(const std::string& target, absl::Duration timeout)
    : channel_(NewInternalChannel(target)),
      stub_(v1::MatchingService::NewStub(channel_)),
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

void GrpcMatchingClient::MatchBatch(const RequestContext& context,
                                    std::vector<v1::CustomerLookup> lookups, BatchCallback done) {
  // What the callback API needs to outlive the call.
  struct Call {
    grpc::ClientContext context;
    v1::MatchCustomersRequest request;
    v1::MatchCustomersResponse response;
    BatchCallback done;
  };
  auto* call = new Call();
  PrepareOutgoingCall(call->context, context, timeout_);
  for (v1::CustomerLookup& lookup : lookups) {
    *call->request.add_customer_lookups() = std::move(lookup);
  }
  call->done = std::move(done);
  stub_->async()->MatchCustomers(
      &call->context, &call->request, &call->response, [call](grpc::Status status) {
        std::unique_ptr<Call> owned(call);
        if (!status.ok()) return owned->done(FromGrpcStatus(status));
        if (owned->response.results_size() != owned->request.customer_lookups_size()) {
          return owned->done(
              absl::InternalError("matching answered a different number of lookups"));
        }
        std::vector<LookupOutcome> outcomes;
        for (v1::LookupResult& result : *owned->response.mutable_results()) {
          if (result.has_match()) {
            outcomes.push_back(std::move(*result.mutable_match()));
            continue;
          }
          std::vector<FieldViolation> violations;
          for (const auto& violation : result.invalid().field_violations()) {
            violations.push_back({violation.field(), violation.description()});
          }
          outcomes.push_back(InvalidArgumentWithViolations(violations));
        }
        owned->done(std::move(outcomes));
      });
}

}  // namespace aievents::ingest
