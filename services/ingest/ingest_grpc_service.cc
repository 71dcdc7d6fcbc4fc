#include "services/ingest/ingest_grpc_service.h"

#include "common/grpc_handler.h"

namespace aievents::ingest {

grpc::Status IngestGrpcService::CreateEvent(grpc::ServerContext* context,
                                            const v1::CreateEventRequest* request,
                                            v1::CreateEventResponse* response) {
  grpc::Status status = HandleAuthenticated(
      "CreateEvent", *authenticator_, context, response,
      [&](const RequestContext& caller) { return ingestor_->Create(caller, *request); });
  if (status.ok() && response->replayed()) {
    context->AddInitialMetadata("x-http-code", "200");
    context->AddInitialMetadata("x-http-header-idempotent-replayed", "true");
  }
  return status;
}

}  // namespace aievents::ingest
