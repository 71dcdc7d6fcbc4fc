#include "services/timeline/timeline_grpc_service.h"

#include "common/grpc_handler.h"

namespace aievents::timeline {

grpc::Status TimelineGrpcService::GetEvent(grpc::ServerContext* context,
                                           const v1::GetEventRequest* request,
                                           v1::AiEvent* response) {
  return HandleAuthenticated(
      "GetEvent", *authenticator_, context, response,
      [&](const RequestContext& caller) { return reader_->GetEvent(caller, request->id()); });
}

}  // namespace aievents::timeline
