// gRPC adapter of the matching service: proto in, CustomerDirectory, proto out.
#ifndef AIEVENTS_SERVICES_MATCHING_MATCHING_GRPC_SERVICE_H_
#define AIEVENTS_SERVICES_MATCHING_MATCHING_GRPC_SERVICE_H_

#include "aievents/v1/matching_service.grpc.pb.h"
#include "common/auth/authenticator.h"
#include "services/matching/customer_directory.h"
#include "services/matching/customer_eraser.h"
#include "services/matching/pg_suppressions.h"

namespace aievents::matching {

class MatchingGrpcService final : public v1::MatchingService::Service {
 public:
  MatchingGrpcService(Authenticator* authenticator, CustomerDirectory* directory,
                      CustomerEraser* eraser, PgSuppressions* suppressions)
      : authenticator_(authenticator),
        directory_(directory),
        eraser_(eraser),
        suppressions_(suppressions) {}

  grpc::Status MatchCustomer(grpc::ServerContext* context, const v1::MatchCustomerRequest* request,
                             v1::MatchCustomerResponse* response) override;
  grpc::Status MatchCustomers(grpc::ServerContext* context,
                              const v1::MatchCustomersRequest* request,
                              v1::MatchCustomersResponse* response) override;
  grpc::Status CreateCustomer(grpc::ServerContext* context,
                              const v1::CreateCustomerRequest* request,
                              v1::Customer* response) override;
  grpc::Status GetCustomer(grpc::ServerContext* context, const v1::GetCustomerRequest* request,
                           v1::Customer* response) override;
  grpc::Status UpdateCustomer(grpc::ServerContext* context,
                              const v1::UpdateCustomerRequest* request,
                              v1::Customer* response) override;
  grpc::Status SearchCustomers(grpc::ServerContext* context,
                               const v1::SearchCustomersRequest* request,
                               v1::SearchCustomersResponse* response) override;
  grpc::Status ListCandidates(grpc::ServerContext* context,
                              const v1::ListCandidatesRequest* request,
                              v1::ListCandidatesResponse* response) override;
  grpc::Status EraseCustomer(grpc::ServerContext* context, const v1::EraseCustomerRequest* request,
                             v1::EraseCustomerResponse* response) override;
  grpc::Status ListSuppressions(grpc::ServerContext* context,
                                const v1::ListSuppressionsRequest* request,
                                v1::ListSuppressionsResponse* response) override;
  grpc::Status GetSuppression(grpc::ServerContext* context,
                              const v1::GetSuppressionRequest* request,
                              v1::Suppression* response) override;
  grpc::Status DeleteSuppression(grpc::ServerContext* context,
                                 const v1::DeleteSuppressionRequest* request,
                                 v1::Suppression* response) override;

 private:
  Authenticator* authenticator_;
  CustomerDirectory* directory_;
  CustomerEraser* eraser_;
  PgSuppressions* suppressions_;
};

}  // namespace aievents::matching

#endif  // AIEVENTS_SERVICES_MATCHING_MATCHING_GRPC_SERVICE_H_
