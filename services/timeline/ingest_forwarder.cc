#include "services/timeline/ingest_forwarder.h"

#include "common/rpc/field_violations.h"
#include "common/rpc/grpc_client.h"
#include "common/rpc/internal_channel.h"

namespace aievents::timeline {

IngestForwarder::IngestForwarder(const std::string& target, absl::Duration timeout)
    : stub_(v1::IngestService::NewStub(NewInternalChannel(target))),
      timeout_(timeout) {}

absl::StatusOr<v1::AiEvent> IngestForwarder::AssociateEvent(
    const RequestContext& context, const v1::AssociateEventRequest& request) {
  grpc::ClientContext call;
  PrepareOutgoingCall(call, context, timeout_);
  v1::AiEvent response;
  grpc::Status status = stub_->AssociateEvent(&call, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

}  // namespace aievents::timeline
