// gRPC adapter of the timeline service, including the live stream.
#ifndef AIEVENTS_SERVICES_TIMELINE_TIMELINE_GRPC_SERVICE_H_
#define AIEVENTS_SERVICES_TIMELINE_TIMELINE_GRPC_SERVICE_H_

#include <atomic>

#include "aievents/v1/timeline_service.grpc.pb.h"
#include "common/auth/authenticator.h"
#include "services/timeline/event_notifier.h"
#include "services/timeline/event_timeline.h"
#include "services/timeline/pg_customer_export.h"

namespace aievents::timeline {

class TimelineGrpcService final : public v1::TimelineService::Service {
 public:
  // `timeline` answers reads (maybe from a replica); `live_timeline` reads the primary, for
  // the events a notification announces, which a replica may not have yet.
  TimelineGrpcService(Authenticator* authenticator, EventTimeline* timeline,
                      EventTimeline* live_timeline, EventNotifier* notifier, int max_watchers,
                      PgCustomerExport* exports)
      : authenticator_(authenticator),
        timeline_(timeline),
        live_timeline_(live_timeline),
        notifier_(notifier),
        max_watchers_(max_watchers),
        exports_(exports) {}

  grpc::Status GetEvent(grpc::ServerContext* context, const v1::GetEventRequest* request,
                        v1::AiEvent* response) override;
  grpc::Status ListCustomerEvents(grpc::ServerContext* context,
                                  const v1::ListCustomerEventsRequest* request,
                                  v1::ListEventsResponse* response) override;
  grpc::Status ListEvents(grpc::ServerContext* context, const v1::ListEventsRequest* request,
                          v1::ListEventsResponse* response) override;
  grpc::Status CountEvents(grpc::ServerContext* context, const v1::CountEventsRequest* request,
                           v1::CountEventsResponse* response) override;

  // Subscribes, sends initial metadata `x-subscribed: true` (so a client knows it will see every
  // later change),
  // then writes each committed event of the customer until the client cancels or the server
  // stops.
  grpc::Status WatchCustomerEvents(grpc::ServerContext* context,
                                   const v1::WatchCustomerEventsRequest* request,
                                   grpc::ServerWriter<v1::AiEvent>* writer) override;

  // Writes the customer's export part by part; each write waits for the client (flow
  // control), so a slow reader holds one part here, not the whole export.
  grpc::Status ExportCustomer(grpc::ServerContext* context,
                              const v1::ExportCustomerRequest* request,
                              grpc::ServerWriter<v1::CustomerExportPart>* writer) override;

 private:
  Authenticator* authenticator_;
  EventTimeline* timeline_;
  EventTimeline* live_timeline_;
  EventNotifier* notifier_;
  int max_watchers_;
  std::atomic<int> watchers_{0};
  PgCustomerExport* exports_;
};

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_TIMELINE_GRPC_SERVICE_H_
