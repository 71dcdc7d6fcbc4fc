// Forwards the deprecated TimelineService.AssociateEvent to the events' owner,
// IngestService.AssociateEvent, as the same caller (its credentials and request id travel
// along), so clients written against the old contract keep working.
#ifndef AIEVENTS_SERVICES_TIMELINE_INGEST_FORWARDER_H_
#define AIEVENTS_SERVICES_TIMELINE_INGEST_FORWARDER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "aievents/v1/ingest_service.grpc.pb.h"
#include "common/rpc/request_context.h"

namespace aievents::timeline {

class IngestForwarder {
 public:
  // `target` is ingest's host:port; calls time out after `timeout`.
  IngestForwarder(const std::string& target, absl::Duration timeout);

  absl::StatusOr<v1::AiEvent> AssociateEvent(const RequestContext& context,
                                             const v1::AssociateEventRequest& request);

 private:
  std::unique_ptr<v1::IngestService::Stub> stub_;
  absl::Duration timeout_;
};

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_INGEST_FORWARDER_H_
