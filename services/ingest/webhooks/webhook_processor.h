// Turns inbox deliveries into AI events. Each time a call's delivery is processed, the call's
// event is rebuilt from all of its deliveries (merge order by lifecycle stage, not arrival), so
// the result is the same whatever order they came in and however often one is processed again.
// The merge is matched outside any transaction, then stored under the call's lock only if no
// delivery arrived meanwhile; otherwise it is merged and matched again.
#ifndef AIEVENTS_SERVICES_INGEST_WEBHOOKS_WEBHOOK_PROCESSOR_H_
#define AIEVENTS_SERVICES_INGEST_WEBHOOKS_WEBHOOK_PROCESSOR_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "services/ingest/event_batcher.h"
#include "services/ingest/matching_client.h"
#include "services/ingest/webhooks/delivery_store.h"

namespace aievents::ingest {

struct ProcessOutcome {
  v1::DeliveryStatus status;
  std::optional<std::string> event_id;
  std::string error;
  // The caller is suppressed: the delivery (and the rest of its call) was removed.
  bool suppressed = false;
};

class WebhookProcessor {
 public:
  // `internal_token` authenticates the calls to matching made on the tenant's behalf.
  // Standalone vendor events (not part of a call) are stored through `batcher`, so they share
  // group commit with API events; a call's event is merged under its per-call lock instead.
  WebhookProcessor(DeliveryStore* store, EventBatcher* batcher, MatchingClient* matching,
                   std::string internal_token)
      : store_(store),
        batcher_(batcher),
        matching_(matching),
        internal_token_(std::move(internal_token)) {}

  // Processes the delivery and records the outcome on it (processed, ignored or failed with
  // the reason). An error means the outcome could not even be recorded (database away), or the
  // call kept changing while it was merged; the delivery then stays pending for the inbox
  // worker.
  absl::StatusOr<ProcessOutcome> Process(const std::string& tenant_id,
                                         const std::string& delivery_id);

 private:
  absl::StatusOr<ProcessOutcome> ProcessCall(const std::string& tenant_id,
                                             const StoredDelivery& delivery,
                                             const std::string& call_key);
  absl::StatusOr<ProcessOutcome> ProcessStandalone(const std::string& tenant_id,
                                                   const StoredDelivery& delivery,
                                                   const v1::CreateEventRequest& request);
  // The caller of `delivery` is suppressed: removes `ids` (and every other delivery of their
  // calls) and says so.
  absl::StatusOr<ProcessOutcome> Suppressed(const std::string& tenant_id,
                                            const StoredDelivery& delivery,
                                            const std::vector<std::string>& ids);
  // Matches and stores `event` through group commit and waits (boundedly) for the outcome.
  absl::StatusOr<StoredEvent> CommitThroughBatch(const std::string& tenant_id,
                                                 const ValidatedEvent& event);
  // Matches what can be matched: unusable email or phone values are dropped rather than
  // failing the delivery (vendors send "anonymous" callers), and an empty lookup is no match.
  absl::StatusOr<v1::MatchCustomerResponse> MatchTolerant(const std::string& tenant_id,
                                                          v1::CustomerLookup lookup);

  DeliveryStore* store_;
  EventBatcher* batcher_;
  MatchingClient* matching_;
  std::string internal_token_;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_WEBHOOKS_WEBHOOK_PROCESSOR_H_
