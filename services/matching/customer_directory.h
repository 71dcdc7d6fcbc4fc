// The matching service's logic: validate and normalize lookups and customers, find matches,
// create and fetch customers. No gRPC here; the service adapter converts at the edge.
#ifndef AIEVENTS_SERVICES_MATCHING_CUSTOMER_DIRECTORY_H_
#define AIEVENTS_SERVICES_MATCHING_CUSTOMER_DIRECTORY_H_

#include "absl/status/statusor.h"
#include "aievents/v1/matching_service.pb.h"
#include "common/request_context.h"
#include "services/matching/pg_customer_store.h"
#include "services/matching/phone_normalizer.h"

namespace aievents::matching {

class CustomerDirectory {
 public:
  CustomerDirectory(PgCustomerStore* store, const PhoneNormalizer* phones)
      : store_(store), phones_(phones) {}

  // Validates and normalizes the lookup, then finds the customer (see MatchingService docs).
  absl::StatusOr<v1::MatchCustomerResponse> Match(const RequestContext& context,
                                                  const v1::CustomerLookup& lookup);

  absl::StatusOr<v1::Customer> Create(const RequestContext& context,
                                      const v1::CreateCustomerRequest& request);

  absl::StatusOr<v1::Customer> Get(const RequestContext& context, const std::string& id);

  // The lookup in normalized form; violations carry paths relative to the lookup.
  absl::StatusOr<v1::NormalizedLookup> Normalize(const v1::CustomerLookup& lookup) const;

 private:
  PgCustomerStore* store_;
  const PhoneNormalizer* phones_;
};

}  // namespace aievents::matching

#endif  // AIEVENTS_SERVICES_MATCHING_CUSTOMER_DIRECTORY_H_
