// The ai_events table on the write path. Inserts are batch-shaped: any number of events go in
// with one prepared statement (columns passed as arrays and unnested) in one transaction, so a
// group-commit writer can put many requests into one commit. Exactly-once is the database's
// job: UNIQUE (tenant_id, idempotency_key) with ON CONFLICT DO NOTHING, never check-then-insert.
#ifndef AIEVENTS_SERVICES_INGEST_PG_EVENT_STORE_H_
#define AIEVENTS_SERVICES_INGEST_PG_EVENT_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "aievents/v1/ai_event.pb.h"
#include "common/pg/pg_pipeline.h"
#include "common/pg/pg_pool.h"
#include "services/ingest/event_rows.h"

namespace aievents::ingest {

class PgEventStore {
 public:
  // Group commit's inserts go through `pipeline`; a vendor call's upsert runs inside a
  // transaction the caller holds.
  explicit PgEventStore(PgPipelinePool* pipeline) : pipeline_(pipeline) {
    pipeline->Register(Statements());
  }

  // Its statements (registered with the pipeline by the constructor; PgDeliveryStore registers
  // them with the pool whose transaction runs UpsertCallEvent).
  static std::vector<PgStatement> Statements();

  // Inserts every tenant's rows in one transaction (each tenant's statements scoped to it) and
  // returns, per tenant, one StoredEvent per row, in order: the new row, or the row already
  // stored under its key. Per tenant that is one INSERT ... ON CONFLICT DO NOTHING RETURNING
  // and, only when some keys existed, one read of those. Returns only after COMMIT succeeded;
  // any error means nothing was stored.
  absl::StatusOr<std::vector<std::vector<StoredEvent>>> InsertBatches(
      const std::vector<TenantRows>& tenants);

  // InsertBatches for one tenant.
  absl::StatusOr<std::vector<StoredEvent>> InsertBatch(const std::string& tenant_id,
                                                       const std::vector<NewEvent>& events);

  // Inserts a vendor call's event, or refreshes the one stored under its key with the newly
  // merged content, inside the caller's transaction. The customer changes only to a match that
  // was found, and never away from a manual association.
  v1::AiEvent UpsertCallEvent(pqxx::work& txn, const std::string& tenant_id, const NewEvent& event);

 private:
  PgPipelinePool* pipeline_;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_PG_EVENT_STORE_H_
