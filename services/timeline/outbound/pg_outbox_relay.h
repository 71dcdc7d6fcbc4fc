// The relay: copies ingest's outbox (event_outbox) into webhook_events, once per tenant that
// has an endpoint subscribed to the change, without writing the outbox. It reads rows in
// (transaction id, id) order and only those of transactions that are over (event_outbox_after,
// migration 0008), so a row can never appear behind its cursor; the cursor (outbound_relay) moves
// in the same transaction as the events it made, so a change is fanned out exactly once. Replicas
// take turns: the cursor row is locked, and a replica that finds it locked does nothing.
#ifndef AIEVENTS_SERVICES_TIMELINE_OUTBOUND_PG_OUTBOX_RELAY_H_
#define AIEVENTS_SERVICES_TIMELINE_OUTBOUND_PG_OUTBOX_RELAY_H_

#include <vector>

#include "absl/status/statusor.h"
#include "common/pg/pg_pool.h"

namespace aievents::timeline {

class PgOutboxRelay {
 public:
  explicit PgOutboxRelay(PgPool* pool) : pool_(pool) { pool->Register(Statements()); }

  static std::vector<PgStatement> Statements();

  // Fans out up to `limit` outbox rows; returns how many it read (0: nothing new, or another
  // replica is relaying).
  absl::StatusOr<int> RelayOnce(int limit);

  // Removes up to `limit` relayed events every enabled endpoint has passed; how many.
  absl::StatusOr<int> PruneOnce(int limit);

 private:
  PgPool* pool_;
};

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_OUTBOUND_PG_OUTBOX_RELAY_H_
