#include "services/matching/matching_grpc_service.h"

#include "common/service/grpc_handler.h"
#include "google/rpc/error_details.pb.h"

namespace aievents::matching {

grpc::Status MatchingGrpcService::MatchCustomer(grpc::ServerContext* context,
                                                const v1::MatchCustomerRequest* request,
                                                v1::MatchCustomerResponse* response) {
  return HandleAuthenticated("aievents.v1.MatchingService.MatchCustomer", *authenticator_, context,
                             response, [&](const RequestContext& caller) {
                               return directory_->Match(caller, request->customer_lookup());
                             });
}

grpc::Status MatchingGrpcService::MatchCustomers(grpc::ServerContext* context,
                                                 const v1::MatchCustomersRequest* request,
                                                 v1::MatchCustomersResponse* response) {
  return HandleAuthenticated(
      "aievents.v1.MatchingService.MatchCustomers", *authenticator_, context, response,
      [&](const RequestContext& caller) -> absl::StatusOr<v1::MatchCustomersResponse> {
        std::vector<const v1::CustomerLookup*> lookups;
        for (const v1::CustomerLookup& lookup : request->customer_lookups()) {
          lookups.push_back(&lookup);
        }
        auto results = directory_->MatchBatch(caller, lookups);
        if (!results.ok()) return results.status();
        v1::MatchCustomersResponse out;
        for (auto& result : *results) {
          v1::LookupResult* item = out.add_results();
          if (result.ok()) {
            *item->mutable_match() = *std::move(result);
            continue;
          }
          google::rpc::BadRequest* invalid = item->mutable_invalid();
          for (const FieldViolation& violation : GetFieldViolations(result.status())) {
            auto* field = invalid->add_field_violations();
            field->set_field(violation.field);
            field->set_description(violation.description);
          }
        }
        return out;
      });
}

grpc::Status MatchingGrpcService::CreateCustomer(grpc::ServerContext* context,
                                                 const v1::CreateCustomerRequest* request,
                                                 v1::Customer* response) {
  return HandleAuthenticated(
      "aievents.v1.MatchingService.CreateCustomer", *authenticator_, context, response,
      [&](const RequestContext& caller) { return directory_->Create(caller, *request); });
}

grpc::Status MatchingGrpcService::GetCustomer(grpc::ServerContext* context,
                                              const v1::GetCustomerRequest* request,
                                              v1::Customer* response) {
  return HandleAuthenticated(
      "aievents.v1.MatchingService.GetCustomer", *authenticator_, context, response,
      [&](const RequestContext& caller) { return directory_->Get(caller, request->id()); });
}

grpc::Status MatchingGrpcService::UpdateCustomer(grpc::ServerContext* context,
                                                 const v1::UpdateCustomerRequest* request,
                                                 v1::Customer* response) {
  return HandleAuthenticated(
      "aievents.v1.MatchingService.UpdateCustomer", *authenticator_, context, response,
      [&](const RequestContext& caller) { return directory_->Update(caller, *request); });
}

grpc::Status MatchingGrpcService::SearchCustomers(grpc::ServerContext* context,
                                                  const v1::SearchCustomersRequest* request,
                                                  v1::SearchCustomersResponse* response) {
  return HandleAuthenticated(
      "aievents.v1.MatchingService.SearchCustomers", *authenticator_, context, response,
      [&](const RequestContext& caller) { return directory_->Search(caller, *request); });
}

grpc::Status MatchingGrpcService::ListCandidates(grpc::ServerContext* context,
                                                 const v1::ListCandidatesRequest* request,
                                                 v1::ListCandidatesResponse* response) {
  return HandleAuthenticated("aievents.v1.MatchingService.ListCandidates", *authenticator_, context,
                             response, [&](const RequestContext& caller) {
                               return directory_->ListCandidates(caller, request->event_id());
                             });
}

grpc::Status MatchingGrpcService::EraseCustomer(grpc::ServerContext* context,
                                                const v1::EraseCustomerRequest* request,
                                                v1::EraseCustomerResponse* response) {
  return HandleAuthenticated(
      "aievents.v1.MatchingService.EraseCustomer", *authenticator_, context, response,
      [&](const RequestContext& caller) -> absl::StatusOr<v1::EraseCustomerResponse> {
        absl::StatusOr<v1::EraseCustomerResponse> erased =
            eraser_->Erase(caller, request->id(), request->suppress());
        // Not finished within this call: accepted, and carried on by the worker.
        if (erased.ok() && !erased->complete()) context->AddInitialMetadata("x-http-code", "202");
        return erased;
      });
}

grpc::Status MatchingGrpcService::ListSuppressions(grpc::ServerContext* context,
                                                   const v1::ListSuppressionsRequest* request,
                                                   v1::ListSuppressionsResponse* response) {
  return HandleAuthenticated(
      "aievents.v1.MatchingService.ListSuppressions", *authenticator_, context, response,
      [&](const RequestContext& caller) { return suppressions_->List(caller, *request); });
}

grpc::Status MatchingGrpcService::GetSuppression(grpc::ServerContext* context,
                                                 const v1::GetSuppressionRequest* request,
                                                 v1::Suppression* response) {
  return HandleAuthenticated(
      "aievents.v1.MatchingService.GetSuppression", *authenticator_, context, response,
      [&](const RequestContext& caller) { return suppressions_->Get(caller, request->hash()); });
}

grpc::Status MatchingGrpcService::DeleteSuppression(grpc::ServerContext* context,
                                                    const v1::DeleteSuppressionRequest* request,
                                                    v1::Suppression* response) {
  return HandleAuthenticated(
      "aievents.v1.MatchingService.DeleteSuppression", *authenticator_, context, response,
      [&](const RequestContext& caller) { return suppressions_->Delete(caller, request->hash()); });
}

}  // namespace aievents::matching
