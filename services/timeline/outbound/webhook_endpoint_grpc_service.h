// gRPC adapter of WebhookEndpointService (outbound webhook endpoints), hosted by the timeline
// process alongside the delivery workers.
#ifndef AIEVENTS_SERVICES_TIMELINE_OUTBOUND_WEBHOOK_ENDPOINT_GRPC_SERVICE_H_
#define AIEVENTS_SERVICES_TIMELINE_OUTBOUND_WEBHOOK_ENDPOINT_GRPC_SERVICE_H_

#include "aievents/v1/webhook_endpoint_service.grpc.pb.h"
#include "common/auth/authenticator.h"
#include "services/timeline/outbound/pg_endpoint_store.h"

namespace aievents::timeline {

class WebhookEndpointGrpcService final : public v1::WebhookEndpointService::Service {
 public:
  WebhookEndpointGrpcService(Authenticator* authenticator, PgEndpointStore* endpoints)
      : authenticator_(authenticator), endpoints_(endpoints) {}

  grpc::Status CreateWebhookEndpoint(grpc::ServerContext* context,
                                     const v1::CreateWebhookEndpointRequest* request,
                                     v1::WebhookEndpoint* response) override;
  grpc::Status ListWebhookEndpoints(grpc::ServerContext* context,
                                    const v1::ListWebhookEndpointsRequest* request,
                                    v1::ListWebhookEndpointsResponse* response) override;
  grpc::Status GetWebhookEndpoint(grpc::ServerContext* context,
                                  const v1::GetWebhookEndpointRequest* request,
                                  v1::WebhookEndpoint* response) override;
  grpc::Status UpdateWebhookEndpoint(grpc::ServerContext* context,
                                     const v1::UpdateWebhookEndpointRequest* request,
                                     v1::WebhookEndpoint* response) override;
  grpc::Status DeleteWebhookEndpoint(grpc::ServerContext* context,
                                     const v1::DeleteWebhookEndpointRequest* request,
                                     google::protobuf::Empty* response) override;
  grpc::Status RotateWebhookEndpointSecret(grpc::ServerContext* context,
                                           const v1::RotateWebhookEndpointSecretRequest* request,
                                           v1::WebhookEndpoint* response) override;
  grpc::Status ListWebhookAttempts(grpc::ServerContext* context,
                                   const v1::ListWebhookAttemptsRequest* request,
                                   v1::ListWebhookAttemptsResponse* response) override;
  grpc::Status RecoverWebhookEndpoint(grpc::ServerContext* context,
                                      const v1::RecoverWebhookEndpointRequest* request,
                                      v1::RecoverWebhookEndpointResponse* response) override;

 private:
  Authenticator* authenticator_;
  PgEndpointStore* endpoints_;
};

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_OUTBOUND_WEBHOOK_ENDPOINT_GRPC_SERVICE_H_
