#include "services/ingest/webhooks/webhook_grpc_service.h"

#include "common/service/grpc_handler.h"

namespace aievents::ingest {

grpc::Status WebhookGrpcService::ReceiveDelivery(grpc::ServerContext* context,
                                                 const v1::ReceiveDeliveryRequest* request,
                                                 v1::ReceiveDeliveryResponse* response) {
  absl::StatusOr<ReceiveOutcome> outcome = receiver_->Receive(*request);
  if (!outcome.ok()) {
    if (IsServerFault(outcome.status().code())) {
      log::Error("webhook_receive_failed",
                 {{"vendor", request->vendor()}, {"error", outcome.status().ToString()}});
    }
    return ToGrpcStatus(outcome.status());
  }
  // sipgate AI Flow reads any body as actions to run: it must get 204 and nothing else.
  if (outcome->vendor == v1::WEBHOOK_VENDOR_SIPGATE) {
    context->AddInitialMetadata("x-http-code", "204");
  } else if (outcome->response.has_suppressed()) {
    // A suppressed caller: nothing was kept (docs/privacy.md).
    context->AddInitialMetadata("x-http-code", "202");
    context->AddInitialMetadata("x-http-body-field", "suppressed");
  }
  *response = std::move(outcome->response);
  return grpc::Status::OK;
}

grpc::Status WebhookGrpcService::CreateWebhookSource(grpc::ServerContext* context,
                                                     const v1::CreateWebhookSourceRequest* request,
                                                     v1::CreatedWebhookSource* response) {
  return HandleAuthenticated(
      "aievents.v1.WebhookService.CreateWebhookSource", *authenticator_, context, response,
      [&](const RequestContext& caller) { return admin_->CreateSource(caller, *request); });
}

grpc::Status WebhookGrpcService::ListWebhookSources(grpc::ServerContext* context,
                                                    const v1::ListWebhookSourcesRequest* request,
                                                    v1::ListWebhookSourcesResponse* response) {
  return HandleAuthenticated(
      "aievents.v1.WebhookService.ListWebhookSources", *authenticator_, context, response,
      [&](const RequestContext& caller) { return admin_->ListSources(caller); });
}

grpc::Status WebhookGrpcService::RotateWebhookSecret(grpc::ServerContext* context,
                                                     const v1::RotateWebhookSecretRequest* request,
                                                     v1::WebhookSource* response) {
  return HandleAuthenticated(
      "aievents.v1.WebhookService.RotateWebhookSecret", *authenticator_, context, response,
      [&](const RequestContext& caller) { return admin_->RotateSecret(caller, *request); });
}

grpc::Status WebhookGrpcService::DisableWebhookSource(
    grpc::ServerContext* context, const v1::DisableWebhookSourceRequest* request,
    v1::WebhookSource* response) {
  return HandleAuthenticated(
      "aievents.v1.WebhookService.DisableWebhookSource", *authenticator_, context, response,
      [&](const RequestContext& caller) { return admin_->DisableSource(caller, request->id()); });
}

grpc::Status WebhookGrpcService::ListDeliveries(grpc::ServerContext* context,
                                                const v1::ListDeliveriesRequest* request,
                                                v1::ListDeliveriesResponse* response) {
  return HandleAuthenticated(
      "aievents.v1.WebhookService.ListDeliveries", *authenticator_, context, response,
      [&](const RequestContext& caller) { return admin_->ListDeliveries(caller, *request); });
}

grpc::Status WebhookGrpcService::GetDelivery(grpc::ServerContext* context,
                                             const v1::GetDeliveryRequest* request,
                                             v1::WebhookDelivery* response) {
  return HandleAuthenticated(
      "aievents.v1.WebhookService.GetDelivery", *authenticator_, context, response,
      [&](const RequestContext& caller) { return admin_->GetDelivery(caller, request->id()); });
}

grpc::Status WebhookGrpcService::ReplayDelivery(grpc::ServerContext* context,
                                                const v1::ReplayDeliveryRequest* request,
                                                v1::WebhookDelivery* response) {
  return HandleAuthenticated(
      "aievents.v1.WebhookService.ReplayDelivery", *authenticator_, context, response,
      [&](const RequestContext& caller) { return admin_->ReplayDelivery(caller, request->id()); });
}

}  // namespace aievents::ingest
