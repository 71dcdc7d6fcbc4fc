#include "services/ingest/webhooks/pg_delivery_store.h"

namespace aievents::ingest {

absl::StatusOr<std::optional<StoredDelivery>> PgDeliveryStore::GetDelivery(
    const std::string& tenant_id, const std::string& id) {
  return webhooks_->GetDelivery(tenant_id, id);
}

absl::Status PgDeliveryStore::MarkDelivery(const std::string& tenant_id, const std::string& id,
                                           v1::DeliveryStatus status, const std::string& error,
                                           const std::optional<std::string>& event_id) {
  return webhooks_->MarkDelivery(tenant_id, id, status, error, event_id);
}

absl::Status PgDeliveryStore::ForgetDeliveries(const std::string& tenant_id,
                                               const std::vector<std::string>& ids) {
  return webhooks_->ForgetDeliveries(tenant_id, ids);
}

absl::StatusOr<std::vector<StoredDelivery>> PgDeliveryStore::CallDeliveries(
    const std::string& tenant_id, const std::string& call_key) {
  return webhooks_->CallDeliveries(tenant_id, call_key);
}

absl::StatusOr<v1::AiEvent> PgDeliveryStore::CommitCallEvent(
    const std::string& tenant_id, const std::string& call_key, const std::string& delivery_id,
    const std::vector<std::string>& merged_delivery_ids, const NewEvent& event) {
  return pool_->InTenantTransaction<v1::AiEvent>(
      tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<v1::AiEvent> {
        // The lock makes the check and the write one step for this call; it is held only for
        // these few statements, never across the match.
        webhooks_->LockCall(txn, tenant_id, call_key);
        if (webhooks_->CallDeliveryIds(txn, tenant_id, call_key) != merged_delivery_ids) {
          return absl::AbortedError("the call received another delivery while it was matched");
        }
        v1::AiEvent stored = events_->UpsertCallEvent(txn, tenant_id, event);
        webhooks_->MarkDelivery(txn, tenant_id, delivery_id, v1::DELIVERY_STATUS_PROCESSED, "",
                                stored.id());
        return stored;
      });
}

}  // namespace aievents::ingest
