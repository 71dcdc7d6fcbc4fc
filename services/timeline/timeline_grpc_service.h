// gRPC adapter of the timeline service.
#ifndef AIEVENTS_SERVICES_TIMELINE_TIMELINE_GRPC_SERVICE_H_
#define AIEVENTS_SERVICES_TIMELINE_TIMELINE_GRPC_SERVICE_H_

#include "aievents/v1/timeline_service.grpc.pb.h"
#include "common/authenticator.h"
#include "services/timeline/timeline_reader.h"

namespace aievents::timeline {

class TimelineGrpcService final : public v1::TimelineService::Service {
 public:
  TimelineGrpcService(Authenticator* authenticator, TimelineReader* reader)
      : authenticator_(authenticator), reader_(reader) {}

  grpc::Status GetEvent(grpc::ServerContext* context, const v1::GetEventRequest* request,
                        v1::AiEvent* response) override;

 private:
  Authenticator* authenticator_;
  TimelineReader* reader_;
};

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_TIMELINE_GRPC_SERVICE_H_
