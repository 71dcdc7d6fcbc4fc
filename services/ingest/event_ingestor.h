// The write path's logic: validate, settle the idempotency key, and hand the event to group
// commit, which matches and stores it exactly once. No read before the write: a repeated key
// is found by the insert itself (ON CONFLICT), not by a lookup first.
#ifndef AIEVENTS_SERVICES_INGEST_EVENT_INGESTOR_H_
#define AIEVENTS_SERVICES_INGEST_EVENT_INGESTOR_H_

#include <functional>

#include "absl/status/statusor.h"
#include "aievents/v1/ingest_service.pb.h"
#include "common/rpc/request_context.h"
#include "services/ingest/event_batcher.h"

namespace aievents::ingest {

class EventIngestor {
 public:
  explicit EventIngestor(EventBatcher* batcher) : batcher_(batcher) {}

  using Done = std::function<void(absl::StatusOr<v1::CreateEventResponse>)>;

  // 1. Validate (every violation at once). 2. Use the client's idempotency key or derive one.
  // 3. Queue for group commit. `done` runs once: right away for invalid input or when the
  // queue sheds load (UNAVAILABLE), otherwise after the event's batch committed, with the
  // stored event (`replayed` when the key was already stored). It must not block.
  void Create(const RequestContext& context, const v1::CreateEventRequest& request, Done done);

 private:
  EventBatcher* batcher_;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_EVENT_INGESTOR_H_
