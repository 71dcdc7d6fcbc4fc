// gRPC adapter of the ingest service, on the callback API: a CreateEvent call holds no thread
// while its event waits for group commit; it is finished from the commit thread.
#ifndef AIEVENTS_SERVICES_INGEST_INGEST_GRPC_SERVICE_H_
#define AIEVENTS_SERVICES_INGEST_INGEST_GRPC_SERVICE_H_

#include "aievents/v1/ingest_service.grpc.pb.h"
#include "common/auth/authenticator.h"
#include "services/ingest/event_ingestor.h"

namespace aievents::ingest {

class IngestGrpcService final : public v1::IngestService::CallbackService {
 public:
  IngestGrpcService(Authenticator* authenticator, EventIngestor* ingestor)
      : authenticator_(authenticator), ingestor_(ingestor) {}

  // On a replay, also sends initial metadata `x-http-code: 200` and
  // `x-http-header-idempotent-replayed: true`, which the gateway turns into the HTTP status and
  // the Idempotent-Replayed header. An overloaded queue answers UNAVAILABLE with
  // `x-http-header-retry-after: 1`.
  grpc::ServerUnaryReactor* CreateEvent(grpc::CallbackServerContext* context,
                                        const v1::CreateEventRequest* request,
                                        v1::CreateEventResponse* response) override;

  // Each call as CreateEvent would answer it; the calls join group commit together.
  grpc::ServerUnaryReactor* CreateEventBatch(grpc::CallbackServerContext* context,
                                             const v1::BatchRequest* request,
                                             v1::BatchResponse* response) override;

 private:
  Authenticator* authenticator_;
  EventIngestor* ingestor_;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_INGEST_GRPC_SERVICE_H_
