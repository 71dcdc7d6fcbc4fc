#include "services/ingest/event_ingestor.h"

#include "common/domain/idempotency_key.h"
#include "common/runtime/log.h"
#include "common/runtime/metrics.h"
#include "common/text/proto_enum_names.h"

namespace aievents::ingest {

void EventIngestor::Create(const RequestContext& context, const v1::CreateEventRequest& request,
                           Done done) {
  absl::StatusOr<ValidatedEvent> event = ValidateCreateEvent(request);
  if (!event.ok()) return done(event.status());
  PendingEvent pending;
  pending.caller = context;
  pending.idempotency_key = event->idempotency_key.value_or(DeriveIdempotencyKey(*event));
  pending.event = *std::move(event);
  pending.done = [done, request_id = context.request_id,
                  tenant = context.tenant_id](absl::StatusOr<StoredEvent> stored) {
    if (!stored.ok()) return done(stored.status());
    v1::CreateEventResponse response;
    if (stored->suppressed) {
      Metrics::Global().Increment("aievents_suppressed_total", {{"path", "api"}});
      response.mutable_suppressed()->set_suppressed(true);
      return done(std::move(response));
    }
    if (stored->inserted) {
      std::string method(ShortName(stored->event.match_method()));
      Metrics::Global().Increment("aievents_events_created_total", {{"match_method", method}});
      log::Debug("event_created", {{"request_id", request_id},
                                   {"tenant", tenant},
                                   {"event_id", stored->event.id()},
                                   {"match_method", method}});
    } else {
      Metrics::Global().Increment("aievents_events_replayed_total");
    }
    *response.mutable_event() = std::move(stored->event);
    response.set_replayed(!stored->inserted);
    done(std::move(response));
  };
  absl::Status queued = batcher_->Submit(std::move(pending));
  if (!queued.ok()) done(queued);
}

}  // namespace aievents::ingest
