#include "services/timeline/outbound/webhook_endpoint_grpc_service.h"

#include "common/service/grpc_handler.h"

namespace aievents::timeline {

grpc::Status WebhookEndpointGrpcService::CreateWebhookEndpoint(
    grpc::ServerContext* context, const v1::CreateWebhookEndpointRequest* request,
    v1::WebhookEndpoint* response) {
  return HandleAuthenticated(
      "aievents.v1.WebhookEndpointService.CreateWebhookEndpoint", *authenticator_, context,
      response, [&](const RequestContext& caller) { return endpoints_->Create(caller, *request); });
}

grpc::Status WebhookEndpointGrpcService::ListWebhookEndpoints(
    grpc::ServerContext* context, const v1::ListWebhookEndpointsRequest* request,
    v1::ListWebhookEndpointsResponse* response) {
  return HandleAuthenticated(
      "aievents.v1.WebhookEndpointService.ListWebhookEndpoints", *authenticator_, context, response,
      [&](const RequestContext& caller) { return endpoints_->List(caller); });
}

grpc::Status WebhookEndpointGrpcService::GetWebhookEndpoint(
    grpc::ServerContext* context, const v1::GetWebhookEndpointRequest* request,
    v1::WebhookEndpoint* response) {
  return HandleAuthenticated(
      "aievents.v1.WebhookEndpointService.GetWebhookEndpoint", *authenticator_, context, response,
      [&](const RequestContext& caller) { return endpoints_->Get(caller, request->id()); });
}

grpc::Status WebhookEndpointGrpcService::UpdateWebhookEndpoint(
    grpc::ServerContext* context, const v1::UpdateWebhookEndpointRequest* request,
    v1::WebhookEndpoint* response) {
  return HandleAuthenticated(
      "aievents.v1.WebhookEndpointService.UpdateWebhookEndpoint", *authenticator_, context,
      response, [&](const RequestContext& caller) { return endpoints_->Update(caller, *request); });
}

grpc::Status WebhookEndpointGrpcService::DeleteWebhookEndpoint(
    grpc::ServerContext* context, const v1::DeleteWebhookEndpointRequest* request,
    google::protobuf::Empty* response) {
  return HandleAuthenticated(
      "aievents.v1.WebhookEndpointService.DeleteWebhookEndpoint", *authenticator_, context,
      response, [&](const RequestContext& caller) -> absl::StatusOr<google::protobuf::Empty> {
        absl::Status deleted = endpoints_->Delete(caller, request->id());
        if (!deleted.ok()) return deleted;
        return google::protobuf::Empty();
      });
}

grpc::Status WebhookEndpointGrpcService::RotateWebhookEndpointSecret(
    grpc::ServerContext* context, const v1::RotateWebhookEndpointSecretRequest* request,
    v1::WebhookEndpoint* response) {
  return HandleAuthenticated("aievents.v1.WebhookEndpointService.RotateWebhookEndpointSecret",
                             *authenticator_, context, response, [&](const RequestContext& caller) {
                               return endpoints_->RotateSecret(caller, request->id());
                             });
}

grpc::Status WebhookEndpointGrpcService::ListWebhookAttempts(
    grpc::ServerContext* context, const v1::ListWebhookAttemptsRequest* request,
    v1::ListWebhookAttemptsResponse* response) {
  return HandleAuthenticated(
      "aievents.v1.WebhookEndpointService.ListWebhookAttempts", *authenticator_, context, response,
      [&](const RequestContext& caller) { return endpoints_->ListAttempts(caller, *request); });
}

grpc::Status WebhookEndpointGrpcService::RecoverWebhookEndpoint(
    grpc::ServerContext* context, const v1::RecoverWebhookEndpointRequest* request,
    v1::RecoverWebhookEndpointResponse* response) {
  return HandleAuthenticated("aievents.v1.WebhookEndpointService.RecoverWebhookEndpoint",
                             *authenticator_, context, response, [&](const RequestContext& caller) {
                               return endpoints_->Recover(caller, *request);
                             });
}

}  // namespace aievents::timeline
