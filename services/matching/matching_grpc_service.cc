#include "services/matching/matching_grpc_service.h"

#include "common/grpc_handler.h"

namespace aievents::matching {

grpc::Status MatchingGrpcService::MatchCustomer(grpc::ServerContext* context,
                                                const v1::MatchCustomerRequest* request,
                                                v1::MatchCustomerResponse* response) {
  return HandleAuthenticated("MatchCustomer", *authenticator_, context, response,
                             [&](const RequestContext& caller) {
                               return directory_->Match(caller, request->customer_lookup());
                             });
}

grpc::Status MatchingGrpcService::CreateCustomer(grpc::ServerContext* context,
                                                 const v1::CreateCustomerRequest* request,
                                                 v1::Customer* response) {
  return HandleAuthenticated(
      "CreateCustomer", *authenticator_, context, response,
      [&](const RequestContext& caller) { return directory_->Create(caller, *request); });
}

grpc::Status MatchingGrpcService::GetCustomer(grpc::ServerContext* context,
                                              const v1::GetCustomerRequest* request,
                                              v1::Customer* response) {
  return HandleAuthenticated(
      "GetCustomer", *authenticator_, context, response,
      [&](const RequestContext& caller) { return directory_->Get(caller, request->id()); });
}

grpc::Status MatchingGrpcService::UpdateCustomer(grpc::ServerContext* context,
                                                 const v1::UpdateCustomerRequest* request,
                                                 v1::Customer* response) {
  return HandleAuthenticated(
      "UpdateCustomer", *authenticator_, context, response,
      [&](const RequestContext& caller) { return directory_->Update(caller, *request); });
}

grpc::Status MatchingGrpcService::SearchCustomers(grpc::ServerContext* context,
                                                  const v1::SearchCustomersRequest* request,
                                                  v1::SearchCustomersResponse* response) {
  return HandleAuthenticated(
      "SearchCustomers", *authenticator_, context, response,
      [&](const RequestContext& caller) { return directory_->Search(caller, *request); });
}

grpc::Status MatchingGrpcService::ListCandidates(grpc::ServerContext* context,
                                                 const v1::ListCandidatesRequest* request,
                                                 v1::ListCandidatesResponse* response) {
  return HandleAuthenticated("ListCandidates", *authenticator_, context, response,
                             [&](const RequestContext& caller) {
                               return directory_->ListCandidates(caller, request->event_id());
                             });
}

}  // namespace aievents::matching
