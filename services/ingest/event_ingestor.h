// The write path's logic: validate, settle the idempotency key, match, store exactly once.
#ifndef AIEVENTS_SERVICES_INGEST_EVENT_INGESTOR_H_
#define AIEVENTS_SERVICES_INGEST_EVENT_INGESTOR_H_

#include "absl/status/statusor.h"
#include "aievents/v1/ingest_service.pb.h"
#include "common/request_context.h"
#include "services/ingest/matching_client.h"
#include "services/ingest/pg_event_store.h"

namespace aievents::ingest {

class EventIngestor {
 public:
  EventIngestor(PgEventStore* store, MatchingClient* matching)
      : store_(store), matching_(matching) {}

  // 1. Validate (every violation at once). 2. Use the client's idempotency key or derive one.
  // 3. A key already stored for this tenant returns that event (replayed), without matching.
  // 4. Match the customer. 5. Insert; a concurrent request that won the race on the same key
  // makes this one a replay too. Returns only after the commit.
  absl::StatusOr<v1::CreateEventResponse> Create(const RequestContext& context,
                                                 const v1::CreateEventRequest& request);

 private:
  PgEventStore* store_;
  MatchingClient* matching_;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_EVENT_INGESTOR_H_
