// gRPC adapter of the ingest service.
#ifndef AIEVENTS_SERVICES_INGEST_INGEST_GRPC_SERVICE_H_
#define AIEVENTS_SERVICES_INGEST_INGEST_GRPC_SERVICE_H_

#include "aievents/v1/ingest_service.grpc.pb.h"
#include "common/authenticator.h"
#include "services/ingest/event_ingestor.h"

namespace aievents::ingest {

class IngestGrpcService final : public v1::IngestService::Service {
 public:
  IngestGrpcService(Authenticator* authenticator, EventIngestor* ingestor)
      : authenticator_(authenticator), ingestor_(ingestor) {}

  // On a replay, also sends initial metadata `x-http-code: 200` and
  // `x-http-header-idempotent-replayed: true`, which the gateway turns into the HTTP status and
  // the Idempotent-Replayed header.
  grpc::Status CreateEvent(grpc::ServerContext* context, const v1::CreateEventRequest* request,
                           v1::CreateEventResponse* response) override;

 private:
  Authenticator* authenticator_;
  EventIngestor* ingestor_;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_INGEST_GRPC_SERVICE_H_
