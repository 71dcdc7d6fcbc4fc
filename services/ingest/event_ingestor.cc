#include "services/ingest/event_ingestor.h"

#include "common/ids.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/proto_enum_names.h"
#include "common/status_macros.h"
#include "services/ingest/idempotency_key.h"

namespace aievents::ingest {

absl::StatusOr<v1::CreateEventResponse> EventIngestor::Create(
    const RequestContext& context, const v1::CreateEventRequest& request) {
  ASSIGN_OR_RETURN(ValidatedEvent event, ValidateCreateEvent(request));
  std::string key = event.idempotency_key.value_or(DeriveIdempotencyKey(event));

  v1::CreateEventResponse response;
  ASSIGN_OR_RETURN(std::optional<v1::AiEvent> existing,
                   store_->FindByIdempotencyKey(context.tenant_id, key));
  if (existing.has_value()) {
    Metrics::Global().Increment("aievents_events_replayed_total");
    *response.mutable_event() = std::move(*existing);
    response.set_replayed(true);
    return response;
  }

  ASSIGN_OR_RETURN(v1::MatchCustomerResponse match, matching_->Match(context, event.lookup));
  NewEvent new_event{NewUuidV7(), key, &event, &match};
  ASSIGN_OR_RETURN(std::vector<StoredEvent> stored,
                   store_->InsertBatch(context.tenant_id, {new_event}));
  StoredEvent& result = stored.front();
  if (result.inserted) {
    Metrics::Global().Increment("aievents_events_created_total",
                                {{"match_method", ShortName(match.match_method())}});
    log::Info("event_created", {{"request_id", context.request_id},
                                {"tenant", context.tenant_id},
                                {"event_id", result.event.id()},
                                {"match_method", ShortName(match.match_method())}});
  } else {
    Metrics::Global().Increment("aievents_events_replayed_total");
  }
  *response.mutable_event() = std::move(result.event);
  response.set_replayed(!result.inserted);
  return response;
}

}  // namespace aievents::ingest
