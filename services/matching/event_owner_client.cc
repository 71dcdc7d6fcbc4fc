#include "services/matching/event_owner_client.h"

#include <algorithm>

#include "common/rpc/grpc_client.h"
#include "common/rpc/grpc_status.h"
#include "common/rpc/internal_channel.h"

namespace aievents::matching {
namespace {

constexpr size_t kLinksPerCall = 1000;  // EventLinker::kMaxLinks on the ingest side

std::shared_ptr<v1::IngestService::Stub> NewStub(const std::string& target) {
  return v1::IngestService::NewStub(NewInternalChannel(target));
}

}  // namespace

GrpcEventOwnerClient::GrpcEventOwnerClient(const std::string& target, absl::Duration timeout)
    : stub_(NewStub(target)), timeout_(timeout) {}

void GrpcEventOwnerClient::Retarget(const std::string& target) {
  std::shared_ptr<v1::IngestService::Stub> fresh = NewStub(target);
  std::lock_guard lock(mutex_);
  stub_ = std::move(fresh);
}

std::shared_ptr<v1::IngestService::Stub> GrpcEventOwnerClient::stub() {
  std::lock_guard lock(mutex_);
  return stub_;
}

absl::StatusOr<int> GrpcEventOwnerClient::LinkUnmatched(const RequestContext& context,
                                                        const std::vector<v1::EventLink>& links) {
  std::shared_ptr<v1::IngestService::Stub> ingest = stub();
  int linked = 0;
  for (size_t start = 0; start < links.size(); start += kLinksPerCall) {
    v1::LinkUnmatchedEventsRequest request;
    size_t end = std::min(links.size(), start + kLinksPerCall);
    for (size_t i = start; i < end; ++i) *request.add_links() = links[i];
    grpc::ClientContext call;
    PrepareOutgoingCall(call, context, timeout_);
    v1::LinkUnmatchedEventsResponse response;
    grpc::Status status = ingest->LinkUnmatchedEvents(&call, request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
    linked += response.linked();
  }
  return linked;
}

absl::StatusOr<v1::EraseCustomerEventsResponse> GrpcEventOwnerClient::EraseEvents(
    const RequestContext& context, const v1::EraseCustomerEventsRequest& request) {
  grpc::ClientContext call;
  PrepareOutgoingCall(call, context, timeout_);
  v1::EraseCustomerEventsResponse response;
  grpc::Status status = stub()->EraseCustomerEvents(&call, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

}  // namespace aievents::matching
