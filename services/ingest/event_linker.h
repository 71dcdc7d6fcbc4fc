// The rules of changing an event's customer after it was stored (association by a person,
// re-matching on matching's word): what a request must hold and who is recorded as the actor.
#ifndef AIEVENTS_SERVICES_INGEST_EVENT_LINKER_H_
#define AIEVENTS_SERVICES_INGEST_EVENT_LINKER_H_

#include "absl/status/statusor.h"
#include "aievents/v1/ingest_service.pb.h"
#include "common/rpc/request_context.h"
#include "services/ingest/pg_event_links.h"

namespace aievents::ingest {

class EventLinker {
 public:
  // Most links one LinkUnmatchedEvents call may carry (matching sends them in chunks).
  static constexpr int kMaxLinks = 1000;

  explicit EventLinker(PgEventLinks* links) : links_(links) {}

  // IngestService.AssociateEvent.
  absl::StatusOr<v1::AiEvent> Associate(const RequestContext& context,
                                        const v1::AssociateEventRequest& request);

  // IngestService.LinkUnmatchedEvents.
  absl::StatusOr<v1::LinkUnmatchedEventsResponse> LinkUnmatched(
      const RequestContext& context, const v1::LinkUnmatchedEventsRequest& request);

 private:
  PgEventLinks* links_;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_EVENT_LINKER_H_
