#include "services/timeline/access/access_grpc_service.h"

#include "common/service/grpc_handler.h"

namespace aievents::timeline {

grpc::Status AccessGrpcService::CreateApiKey(grpc::ServerContext* context,
                                             const v1::CreateApiKeyRequest* request,
                                             v1::CreatedApiKey* response) {
  return HandleAuthenticated(
      "aievents.v1.AccessService.CreateApiKey", *authenticator_, context, response,
      [&](const RequestContext& caller) { return keys_->Create(caller, *request); });
}

grpc::Status AccessGrpcService::ListApiKeys(grpc::ServerContext* context,
                                            const v1::ListApiKeysRequest* request,
                                            v1::ListApiKeysResponse* response) {
  return HandleAuthenticated(
      "aievents.v1.AccessService.ListApiKeys", *authenticator_, context, response,
      [&](const RequestContext& caller) { return keys_->List(caller, *request); });
}

grpc::Status AccessGrpcService::GetCallerApiKey(grpc::ServerContext* context,
                                                const v1::GetCallerApiKeyRequest* /*request*/,
                                                v1::ApiKey* response) {
  return HandleAuthenticated("aievents.v1.AccessService.GetCallerApiKey", *authenticator_, context,
                             response,
                             [&](const RequestContext& caller) -> absl::StatusOr<v1::ApiKey> {
                               if (caller.key_id.empty()) {
                                 return absl::NotFoundError("this call was made with no API key");
                               }
                               return keys_->Get(caller, caller.key_id);
                             });
}

grpc::Status AccessGrpcService::RevokeApiKey(grpc::ServerContext* context,
                                             const v1::RevokeApiKeyRequest* request,
                                             v1::ApiKey* response) {
  return HandleAuthenticated(
      "aievents.v1.AccessService.RevokeApiKey", *authenticator_, context, response,
      [&](const RequestContext& caller) { return keys_->Revoke(caller, request->id()); });
}

grpc::Status AccessGrpcService::RotateApiKey(grpc::ServerContext* context,
                                             const v1::RotateApiKeyRequest* request,
                                             v1::CreatedApiKey* response) {
  return HandleAuthenticated(
      "aievents.v1.AccessService.RotateApiKey", *authenticator_, context, response,
      [&](const RequestContext& caller) { return keys_->Rotate(caller, *request); });
}

grpc::Status AccessGrpcService::ListAuditEvents(grpc::ServerContext* context,
                                                const v1::ListAuditEventsRequest* request,
                                                v1::ListAuditEventsResponse* response) {
  return HandleAuthenticated(
      "aievents.v1.AccessService.ListAuditEvents", *authenticator_, context, response,
      [&](const RequestContext& caller) { return keys_->ListAudit(caller, *request); });
}

}  // namespace aievents::timeline
