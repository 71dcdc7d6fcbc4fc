// gRPC adapter of AccessService (API keys and the audit trail), hosted by the timeline process:
// it is the lightest-loaded service, so key administration never competes with ingestion.
#ifndef AIEVENTS_SERVICES_TIMELINE_ACCESS_ACCESS_GRPC_SERVICE_H_
#define AIEVENTS_SERVICES_TIMELINE_ACCESS_ACCESS_GRPC_SERVICE_H_

#include "aievents/v1/access_service.grpc.pb.h"
#include "common/auth/authenticator.h"
#include "services/timeline/access/pg_key_store.h"

namespace aievents::timeline {

class AccessGrpcService final : public v1::AccessService::Service {
 public:
  AccessGrpcService(Authenticator* authenticator, PgKeyStore* keys)
      : authenticator_(authenticator), keys_(keys) {}

  grpc::Status CreateApiKey(grpc::ServerContext* context, const v1::CreateApiKeyRequest* request,
                            v1::CreatedApiKey* response) override;
  grpc::Status ListApiKeys(grpc::ServerContext* context, const v1::ListApiKeysRequest* request,
                           v1::ListApiKeysResponse* response) override;
  grpc::Status GetCallerApiKey(grpc::ServerContext* context,
                               const v1::GetCallerApiKeyRequest* request,
                               v1::ApiKey* response) override;
  grpc::Status RevokeApiKey(grpc::ServerContext* context, const v1::RevokeApiKeyRequest* request,
                            v1::ApiKey* response) override;
  grpc::Status RotateApiKey(grpc::ServerContext* context, const v1::RotateApiKeyRequest* request,
                            v1::CreatedApiKey* response) override;
  grpc::Status ListAuditEvents(grpc::ServerContext* context,
                               const v1::ListAuditEventsRequest* request,
                               v1::ListAuditEventsResponse* response) override;

 private:
  Authenticator* authenticator_;
  PgKeyStore* keys_;
};

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_ACCESS_ACCESS_GRPC_SERVICE_H_
