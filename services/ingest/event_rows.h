// The events as they cross the event store's interface: what goes in (NewEvent, grouped per
// tenant for a group commit) and what comes back (StoredEvent). Plain data, no storage code:
// the batcher, the committer and the webhook path use them without knowing PostgreSQL.
#ifndef AIEVENTS_SERVICES_INGEST_EVENT_ROWS_H_
#define AIEVENTS_SERVICES_INGEST_EVENT_ROWS_H_

#include <string>
#include <vector>

#include "aievents/v1/ai_event.pb.h"
#include "aievents/v1/matching_service.pb.h"
#include "common/domain/event_validator.h"

namespace aievents::ingest {

// One event ready to insert.
struct NewEvent {
  std::string id;
  std::string idempotency_key;
  const ValidatedEvent* event;             // not owned
  const v1::MatchCustomerResponse* match;  // not owned
};

// What the store holds for a NewEvent after InsertBatch.
struct StoredEvent {
  v1::AiEvent event;
  bool inserted;  // false: the key already existed and `event` is the earlier one
  // The lookup carries a suppressed identifier: nothing was stored and `event` is empty.
  bool suppressed = false;
};

// One tenant's share of a group commit: rows with distinct idempotency keys.
struct TenantRows {
  std::string tenant_id;
  std::vector<NewEvent> rows;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_EVENT_ROWS_H_
