// The tenant-facing management of webhooks: sources (create, list, rotate the secret, disable)
// and the delivery inbox (list, inspect, replay).
#ifndef AIEVENTS_SERVICES_INGEST_WEBHOOKS_WEBHOOK_ADMIN_H_
#define AIEVENTS_SERVICES_INGEST_WEBHOOKS_WEBHOOK_ADMIN_H_

#include "absl/status/statusor.h"
#include "aievents/v1/webhook_service.pb.h"
#include "common/rpc/request_context.h"
#include "services/ingest/webhooks/pg_webhook_store.h"
#include "services/ingest/webhooks/webhook_processor.h"

namespace aievents::ingest {

class WebhookAdmin {
 public:
  WebhookAdmin(PgWebhookStore* webhooks, WebhookProcessor* processor)
      : webhooks_(webhooks), processor_(processor) {}

  absl::StatusOr<v1::CreatedWebhookSource> CreateSource(
      const RequestContext& context, const v1::CreateWebhookSourceRequest& request);
  absl::StatusOr<v1::ListWebhookSourcesResponse> ListSources(const RequestContext& context);
  absl::StatusOr<v1::WebhookSource> RotateSecret(const RequestContext& context,
                                                 const v1::RotateWebhookSecretRequest& request);
  absl::StatusOr<v1::WebhookSource> DisableSource(const RequestContext& context,
                                                  const std::string& id);

  absl::StatusOr<v1::ListDeliveriesResponse> ListDeliveries(
      const RequestContext& context, const v1::ListDeliveriesRequest& request);
  absl::StatusOr<v1::WebhookDelivery> GetDelivery(const RequestContext& context,
                                                  const std::string& id);
  absl::StatusOr<v1::WebhookDelivery> ReplayDelivery(const RequestContext& context,
                                                     const std::string& id);

 private:
  PgWebhookStore* webhooks_;
  WebhookProcessor* processor_;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_WEBHOOKS_WEBHOOK_ADMIN_H_
