// Receiving a vendor delivery: find the source by its URL token, verify the signature on the
// raw bytes (when the source has a secret), commit the delivery to the inbox, then process it.
// Nothing is stored for an unknown source or a bad signature; a body that is not JSON is kept as
// rejected for inspection.
#ifndef AIEVENTS_SERVICES_INGEST_WEBHOOKS_WEBHOOK_RECEIVER_H_
#define AIEVENTS_SERVICES_INGEST_WEBHOOKS_WEBHOOK_RECEIVER_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "aievents/v1/webhook_service.pb.h"
#include "common/auth/rate_limiter.h"
#include "services/ingest/webhooks/pg_webhook_store.h"
#include "services/ingest/webhooks/webhook_processor.h"

namespace aievents::ingest {

struct ReceiveOutcome {
  v1::WebhookVendor vendor;
  v1::ReceiveDeliveryResponse response;
};

class WebhookReceiver {
 public:
  // `limiter` (may be null) holds a bucket per source (its per-key limit) and per tenant.
  WebhookReceiver(PgWebhookStore* webhooks, WebhookProcessor* processor,
                  RateLimiter* limiter = nullptr, std::function<absl::Time()> clock = absl::Now)
      : webhooks_(webhooks), processor_(processor), limiter_(limiter), clock_(std::move(clock)) {}

  // NOT_FOUND for an unknown or disabled source or a vendor that is not the source's;
  // UNAUTHENTICATED for a bad, missing or stale signature; RESOURCE_EXHAUSTED over the source's
  // or tenant's rate limit, before anything is stored (vendors retry); INVALID_ARGUMENT for a
  // malformed body (kept as rejected). Otherwise the delivery is committed before this returns.
  absl::StatusOr<ReceiveOutcome> Receive(const v1::ReceiveDeliveryRequest& request);

 private:
  PgWebhookStore* webhooks_;
  WebhookProcessor* processor_;
  RateLimiter* limiter_;
  std::function<absl::Time()> clock_;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_WEBHOOKS_WEBHOOK_RECEIVER_H_
