// gRPC adapter of the webhook service.
#ifndef AIEVENTS_SERVICES_INGEST_WEBHOOKS_WEBHOOK_GRPC_SERVICE_H_
#define AIEVENTS_SERVICES_INGEST_WEBHOOKS_WEBHOOK_GRPC_SERVICE_H_

#include "aievents/v1/webhook_service.grpc.pb.h"
#include "common/auth/authenticator.h"
#include "services/ingest/webhooks/webhook_admin.h"
#include "services/ingest/webhooks/webhook_receiver.h"

namespace aievents::ingest {

class WebhookGrpcService final : public v1::WebhookService::Service {
 public:
  WebhookGrpcService(Authenticator* authenticator, WebhookReceiver* receiver, WebhookAdmin* admin)
      : authenticator_(authenticator), receiver_(receiver), admin_(admin) {}

  // Authenticated by the URL token, not an API key. sipgate deliveries are answered with
  // initial metadata `x-http-code: 204` (the gateway then sends 204 No Content).
  grpc::Status ReceiveDelivery(grpc::ServerContext* context,
                               const v1::ReceiveDeliveryRequest* request,
                               v1::ReceiveDeliveryResponse* response) override;
  grpc::Status CreateWebhookSource(grpc::ServerContext* context,
                                   const v1::CreateWebhookSourceRequest* request,
                                   v1::CreatedWebhookSource* response) override;
  grpc::Status ListWebhookSources(grpc::ServerContext* context,
                                  const v1::ListWebhookSourcesRequest* request,
                                  v1::ListWebhookSourcesResponse* response) override;
  grpc::Status RotateWebhookSecret(grpc::ServerContext* context,
                                   const v1::RotateWebhookSecretRequest* request,
                                   v1::WebhookSource* response) override;
  grpc::Status DisableWebhookSource(grpc::ServerContext* context,
                                    const v1::DisableWebhookSourceRequest* request,
                                    v1::WebhookSource* response) override;
  grpc::Status ListDeliveries(grpc::ServerContext* context,
                              const v1::ListDeliveriesRequest* request,
                              v1::ListDeliveriesResponse* response) override;
  grpc::Status GetDelivery(grpc::ServerContext* context, const v1::GetDeliveryRequest* request,
                           v1::WebhookDelivery* response) override;
  grpc::Status ReplayDelivery(grpc::ServerContext* context,
                              const v1::ReplayDeliveryRequest* request,
                              v1::WebhookDelivery* response) override;

 private:
  Authenticator* authenticator_;
  WebhookReceiver* receiver_;
  WebhookAdmin* admin_;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_WEBHOOKS_WEBHOOK_GRPC_SERVICE_H_
