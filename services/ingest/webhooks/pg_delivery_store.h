// DeliveryStore over PostgreSQL: the webhook inbox (PgWebhookStore) and the events table
// (PgEventStore), both ingest's, with a call's event and its delivery's mark in one commit.
#ifndef AIEVENTS_SERVICES_INGEST_WEBHOOKS_PG_DELIVERY_STORE_H_
#define AIEVENTS_SERVICES_INGEST_WEBHOOKS_PG_DELIVERY_STORE_H_

#include "common/pg/pg_pool.h"
#include "services/ingest/pg_event_store.h"
#include "services/ingest/webhooks/delivery_store.h"
#include "services/ingest/webhooks/pg_webhook_store.h"

namespace aievents::ingest {

class PgDeliveryStore : public DeliveryStore {
 public:
  // Both stores' statements run in this pool's transactions (a call's event and its mark
  // commit together), so they are registered with it too.
  PgDeliveryStore(PgPool* pool, PgWebhookStore* webhooks, PgEventStore* events)
      : pool_(pool), webhooks_(webhooks), events_(events) {
    pool->Register(PgWebhookStore::Statements());
    pool->Register(PgEventStore::Statements());
  }

  absl::StatusOr<std::optional<StoredDelivery>> GetDelivery(const std::string& tenant_id,
                                                            const std::string& id) override;
  absl::Status MarkDelivery(const std::string& tenant_id, const std::string& id,
                            v1::DeliveryStatus status, const std::string& error,
                            const std::optional<std::string>& event_id) override;
  absl::Status ForgetDeliveries(const std::string& tenant_id,
                                const std::vector<std::string>& ids) override;
  absl::StatusOr<std::vector<StoredDelivery>> CallDeliveries(const std::string& tenant_id,
                                                             const std::string& call_key) override;
  absl::StatusOr<v1::AiEvent> CommitCallEvent(const std::string& tenant_id,
                                              const std::string& call_key,
                                              const std::string& delivery_id,
                                              const std::vector<std::string>& merged_delivery_ids,
                                              const NewEvent& event) override;

 private:
  PgPool* pool_;
  PgWebhookStore* webhooks_;
  PgEventStore* events_;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_WEBHOOKS_PG_DELIVERY_STORE_H_
