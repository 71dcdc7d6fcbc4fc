// What processing a webhook delivery needs from storage. An interface so that WebhookProcessor's
// logic (merging, tolerant matching, retries when a call changes underneath) is unit-tested with
// an in-memory store; PgDeliveryStore is the real one.
#ifndef AIEVENTS_SERVICES_INGEST_WEBHOOKS_DELIVERY_STORE_H_
#define AIEVENTS_SERVICES_INGEST_WEBHOOKS_DELIVERY_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "aievents/v1/ai_event.pb.h"
#include "services/ingest/event_rows.h"
#include "services/ingest/webhooks/webhook_records.h"

namespace aievents::ingest {

class DeliveryStore {
 public:
  virtual ~DeliveryStore() = default;

  virtual absl::StatusOr<std::optional<StoredDelivery>> GetDelivery(const std::string& tenant_id,
                                                                    const std::string& id) = 0;

  // Records what became of a delivery (processed, ignored or failed, with the reason).
  virtual absl::Status MarkDelivery(const std::string& tenant_id, const std::string& id,
                                    v1::DeliveryStatus status, const std::string& error,
                                    const std::optional<std::string>& event_id) = 0;

  // Removes deliveries whose caller is suppressed, with every other delivery of their calls
  // (docs/privacy.md): nothing of them is kept.
  virtual absl::Status ForgetDeliveries(const std::string& tenant_id,
                                        const std::vector<std::string>& ids) = 0;

  // A snapshot of every usable delivery of a call (not rejected or ignored), oldest first.
  virtual absl::StatusOr<std::vector<StoredDelivery>> CallDeliveries(
      const std::string& tenant_id, const std::string& call_key) = 0;

  // In one commit, under the call's lock: when the call's usable deliveries are still exactly
  // `merged_delivery_ids`, stores `event` as the call's event (insert, or refresh the one under
  // its key) and marks `delivery_id` processed with it. ABORTED when the call's deliveries
  // changed since the snapshot the event was merged from: the caller merges again. This keeps
  // the match, a remote call, outside the transaction.
  virtual absl::StatusOr<v1::AiEvent> CommitCallEvent(
      const std::string& tenant_id, const std::string& call_key, const std::string& delivery_id,
      const std::vector<std::string>& merged_delivery_ids, const NewEvent& event) = 0;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_WEBHOOKS_DELIVERY_STORE_H_
