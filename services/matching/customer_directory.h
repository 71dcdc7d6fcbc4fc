// The matching service's logic: validate and normalize lookups and customers, find matches,
// create, change and fetch customers (re-matching unmatched events afterwards), search
// customers, and rank candidates for an event. No gRPC here; the adapter converts at the edge.
#ifndef AIEVENTS_SERVICES_MATCHING_CUSTOMER_DIRECTORY_H_
#define AIEVENTS_SERVICES_MATCHING_CUSTOMER_DIRECTORY_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "aievents/v1/matching_service.pb.h"
#include "common/rpc/request_context.h"
#include "services/matching/customer_store.h"
#include "services/matching/event_owner_client.h"
#include "services/matching/phone_normalizer.h"
#include "services/matching/suppression_hasher.h"

namespace aievents::matching {

class CustomerDirectory {
 public:
  // `events` links re-matched events (ingest owns them). `suppression` hashes lookups to check
  // them against the tenant's suppressions (none checked when null: unit tests).
  CustomerDirectory(CustomerStore* store, const PhoneNormalizer* phones, EventOwnerClient* events,
                    const SuppressionHasher* suppression = nullptr)
      : store_(store), phones_(phones), events_(events), suppression_(suppression) {}

  // Validates and normalizes the lookup, then finds the customer (see MatchingService docs).
  absl::StatusOr<v1::MatchCustomerResponse> Match(const RequestContext& context,
                                                  const v1::CustomerLookup& lookup);

  // Match for many lookups at once (one query): one result per lookup, in order, each the
  // match (`suppressed` when its email or phone is) or INVALID_ARGUMENT naming the lookup's
  // bad fields ("customer_lookup.phone"). The
  // outer status fails only for the whole batch (database unreachable, too many lookups).
  absl::StatusOr<std::vector<absl::StatusOr<v1::MatchCustomerResponse>>> MatchBatch(
      const RequestContext& context, const std::vector<const v1::CustomerLookup*>& lookups);

  // Creates a customer, then re-matches the unmatched events it now matches.
  absl::StatusOr<v1::Customer> Create(const RequestContext& context,
                                      const v1::CreateCustomerRequest& request);

  // Applies a partial change (present fields replace, "" clears), then re-matches.
  absl::StatusOr<v1::Customer> Update(const RequestContext& context,
                                      const v1::UpdateCustomerRequest& request);

  absl::StatusOr<v1::Customer> Get(const RequestContext& context, const std::string& id);

  absl::StatusOr<v1::SearchCustomersResponse> Search(const RequestContext& context,
                                                     const v1::SearchCustomersRequest& request);

  absl::StatusOr<v1::ListCandidatesResponse> ListCandidates(const RequestContext& context,
                                                            const std::string& event_id);

  // Links the unmatched events that `customer` now matches (through ingest, their owner) and
  // returns how many; what both the first try after a change and RematchWorker run.
  absl::StatusOr<int> LinkWaitingEvents(const RequestContext& context,
                                        const v1::Customer& customer);

  // The lookup in normalized form; violations carry paths relative to the lookup.
  absl::StatusOr<v1::NormalizedLookup> Normalize(const v1::CustomerLookup& lookup) const;

 private:
  // The identifiers of a customer, trimmed; absent or blank ones are nullopt.
  struct Identifiers {
    std::optional<std::string> email, phone, first_name, last_name;
  };

  // Validates `ids` and builds the full record (normalized forms, near-match keys).
  absl::StatusOr<CustomerRecord> BuildRecord(const std::string& id, const Identifiers& ids) const;

  // The first try of the re-match after a create or change; failures are logged, not returned:
  // the customer is already committed, with the re-match in matching's outbox for
  // RematchWorker to carry out.
  void Rematch(const RequestContext& context, const v1::Customer& customer);

  CustomerStore* store_;
  const PhoneNormalizer* phones_;
  EventOwnerClient* events_;
  const SuppressionHasher* suppression_;
};

}  // namespace aievents::matching

#endif  // AIEVENTS_SERVICES_MATCHING_CUSTOMER_DIRECTORY_H_
