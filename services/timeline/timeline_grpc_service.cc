#include "services/timeline/timeline_grpc_service.h"

#include "common/runtime/metrics.h"
#include "common/service/grpc_handler.h"

namespace aievents::timeline {

grpc::Status TimelineGrpcService::GetEvent(grpc::ServerContext* context,
                                           const v1::GetEventRequest* request,
                                           v1::AiEvent* response) {
  return HandleAuthenticated(
      "aievents.v1.TimelineService.GetEvent", *authenticator_, context, response,
      [&](const RequestContext& caller) { return timeline_->GetEvent(caller, request->id()); });
}

grpc::Status TimelineGrpcService::ListCustomerEvents(grpc::ServerContext* context,
                                                     const v1::ListCustomerEventsRequest* request,
                                                     v1::ListEventsResponse* response) {
  return HandleAuthenticated("aievents.v1.TimelineService.ListCustomerEvents", *authenticator_,
                             context, response, [&](const RequestContext& caller) {
                               return timeline_->ListCustomerEvents(caller, *request);
                             });
}

grpc::Status TimelineGrpcService::ListEvents(grpc::ServerContext* context,
                                             const v1::ListEventsRequest* request,
                                             v1::ListEventsResponse* response) {
  return HandleAuthenticated(
      "aievents.v1.TimelineService.ListEvents", *authenticator_, context, response,
      [&](const RequestContext& caller) { return timeline_->ListEvents(caller, *request); });
}

grpc::Status TimelineGrpcService::CountEvents(grpc::ServerContext* context,
                                              const v1::CountEventsRequest* request,
                                              v1::CountEventsResponse* response) {
  return HandleAuthenticated(
      "aievents.v1.TimelineService.CountEvents", *authenticator_, context, response,
      [&](const RequestContext& caller) { return timeline_->CountEvents(caller, *request); });
}

grpc::Status TimelineGrpcService::WatchCustomerEvents(grpc::ServerContext* context,
                                                      const v1::WatchCustomerEventsRequest* request,
                                                      grpc::ServerWriter<v1::AiEvent>* writer) {
  absl::StatusOr<RequestContext> caller =
      authenticator_->Authorize(*context, "aievents.v1.TimelineService.WatchCustomerEvents");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status status = timeline_->CheckCustomer(*caller, request->customer_id());
      !status.ok()) {
    return ToGrpcStatus(status);
  }
  if (!notifier_->connected()) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        "live updates are not available right now; retry shortly");
  }
  if (watchers_.fetch_add(1) >= max_watchers_) {
    watchers_.fetch_sub(1);
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        "this server already serves its maximum number of live streams");
  }
  Metrics::Global().Increment("aievents_timeline_streams_started_total");
  std::shared_ptr<Subscription> subscription =
      notifier_->Subscribe(caller->tenant_id, request->customer_id());
  context->AddInitialMetadata("x-subscribed", "true");
  writer->SendInitialMetadata();
  while (!context->IsCancelled()) {
    std::string event_id;
    if (!subscription->Next(&event_id, absl::Milliseconds(200))) continue;
    absl::StatusOr<v1::AiEvent> event = live_timeline_->GetEvent(*caller, event_id);
    // The event may have moved to another customer since the notification; skip it then.
    if (!event.ok() || event->customer_id() != request->customer_id()) continue;
    if (!writer->Write(*event)) break;
  }
  watchers_.fetch_sub(1);
  Metrics::Global().Increment("aievents_timeline_streams_ended_total");
  return grpc::Status::OK;
}

grpc::Status TimelineGrpcService::ExportCustomer(
    grpc::ServerContext* context, const v1::ExportCustomerRequest* request,
    grpc::ServerWriter<v1::CustomerExportPart>* writer) {
  constexpr char kMethod[] = "aievents.v1.TimelineService.ExportCustomer";
  absl::StatusOr<RequestContext> caller = authenticator_->Authorize(*context, kMethod);
  if (!caller.ok()) {
    LogAuthorizationFault(kMethod, caller.status());
    return ToGrpcStatus(caller.status());
  }
  ScopedRequestDeadline deadline(caller->deadline);
  absl::Status status =
      exports_->Export(*caller, request->customer_id(), [&](const v1::CustomerExportPart& part) {
        return !context->IsCancelled() && writer->Write(part);
      });
  if (!status.ok()) {
    LogCallFault(kMethod, status, *caller);
    return ToGrpcStatus(status);
  }
  Metrics::Global().Increment("aievents_customer_exports_total");
  return grpc::Status::OK;
}

}  // namespace aievents::timeline
