// gRPC adapter of the ingest service. CreateEvent and CreateEventBatch are on the callback API:
// a call holds no thread while its event waits for group commit; it is finished from the
// commit thread. The rest (association, re-matching links) are ordinary synchronous handlers.
#ifndef AIEVENTS_SERVICES_INGEST_INGEST_GRPC_SERVICE_H_
#define AIEVENTS_SERVICES_INGEST_INGEST_GRPC_SERVICE_H_

#include "aievents/v1/ingest_service.grpc.pb.h"
#include "common/auth/authenticator.h"
#include "services/ingest/event_ingestor.h"
#include "services/ingest/event_linker.h"
#include "services/ingest/pg_customer_erasure.h"

namespace aievents::ingest {

class IngestGrpcService final
    : public v1::IngestService::WithCallbackMethod_CreateEvent<
          v1::IngestService::WithCallbackMethod_CreateEventBatch<v1::IngestService::Service>> {
 public:
  IngestGrpcService(Authenticator* authenticator, EventIngestor* ingestor, EventLinker* linker,
                    PgCustomerErasure* erasure)
      : authenticator_(authenticator), ingestor_(ingestor), linker_(linker), erasure_(erasure) {}

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

  grpc::Status AssociateEvent(grpc::ServerContext* context,
                              const v1::AssociateEventRequest* request,
                              v1::AiEvent* response) override;

  grpc::Status LinkUnmatchedEvents(grpc::ServerContext* context,
                                   const v1::LinkUnmatchedEventsRequest* request,
                                   v1::LinkUnmatchedEventsResponse* response) override;
  grpc::Status EraseCustomerEvents(grpc::ServerContext* context,
                                   const v1::EraseCustomerEventsRequest* request,
                                   v1::EraseCustomerEventsResponse* response) override;

 private:
  Authenticator* authenticator_;
  EventIngestor* ingestor_;
  EventLinker* linker_;
  PgCustomerErasure* erasure_;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_INGEST_GRPC_SERVICE_H_
