// What matching keeps and reads: the customers table (its own) and the reads of ai_events it
// needs (a stored event's lookup, the unmatched events a customer now matches). An interface so
// CustomerDirectory's rules can be tested without a database (tests/unit/fakes/); the
// PostgreSQL implementation is PgCustomerStore.
#ifndef AIEVENTS_SERVICES_MATCHING_CUSTOMER_STORE_H_
#define AIEVENTS_SERVICES_MATCHING_CUSTOMER_STORE_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "aievents/v1/customer.pb.h"
#include "aievents/v1/ingest_service.pb.h"
#include "aievents/v1/matching_service.pb.h"
#include "common/rpc/request_context.h"

namespace aievents::matching {

// A customer with the near-match keys that are stored but not part of the API.
struct CustomerRecord {
  v1::Customer customer;
  std::optional<std::string> email_canonical;
  std::optional<std::string> phone_national;
  std::optional<std::string> name_search;
};

// The winner of a match query.
struct CustomerMatch {
  std::string customer_id;
  v1::MatchMethod method;
  std::string matched_value;
};

// The keys an event's lookup offers for candidate ranking (normalized; absent when not sent).
struct CandidateKeys {
  std::optional<std::string> email;
  std::optional<std::string> phone_e164;
  std::optional<std::string> name;  // both names, as name matching compares
  std::optional<std::string> email_canonical;
  std::optional<std::string> phone_national;
  std::string name_for_similarity;  // whatever name parts were given, FoldForSearch'd; may be ""
};

// A customer the candidate query found, with what ranking needs.
struct CandidateRow {
  CustomerRecord record;
  double name_similarity;  // 0..1, trigram similarity to CandidateKeys::name_for_similarity
};

// The lookup of a stored event, as matching needs it for candidates.
struct StoredLookup {
  v1::CustomerLookup raw;
  v1::NormalizedLookup normalized;
};

class CustomerStore {
 public:
  virtual ~CustomerStore() = default;

  // Inserts the record (id and normalized forms already set) for the actor's tenant, recording
  // customer.created in the audit trail; returns it with created_at.
  virtual absl::StatusOr<v1::Customer> Insert(const RequestContext& actor,
                                              const CustomerRecord& record) = 0;

  // Locks the customer, lets `change` compute the new record from the current one, and stores
  // it with a customer.updated audit record, all in one transaction (the actor's tenant).
  // NOT_FOUND when the tenant has no such customer; an error from `change` aborts without
  // writing.
  virtual absl::StatusOr<v1::Customer> Update(
      const RequestContext& actor, const std::string& id,
      const std::function<absl::StatusOr<CustomerRecord>(const v1::Customer&)>& change) = 0;

  // The customer, or nullopt when the tenant has no such customer.
  virtual absl::StatusOr<std::optional<v1::Customer>> Get(const std::string& tenant_id,
                                                          const std::string& id) = 0;

  // Email, then phone, then name; within a rule the oldest customer (created_at, id). Absent
  // parts of `lookup` are skipped. nullopt when nobody matches.
  virtual absl::StatusOr<std::optional<CustomerMatch>> FindMatch(
      const std::string& tenant_id, const v1::NormalizedLookup& lookup) = 0;

  // FindMatch for many lookups with one query in one round trip; one result per lookup, in
  // order. In the same round trip, which of `identifier_hashes` (SuppressionHasher) the
  // tenant has suppressed: added to `suppressed`.
  virtual absl::StatusOr<std::vector<std::optional<CustomerMatch>>> FindMatches(
      const std::string& tenant_id, const std::vector<v1::NormalizedLookup>& lookups,
      const std::vector<std::string>& identifier_hashes,
      absl::flat_hash_set<std::string>* suppressed) = 0;

  // The unmatched events whose stored lookup shares a key with `customer` and that now match
  // somebody under the normal rules (the full rules run per event, so precedence and the
  // oldest-customer rule hold), each with the customer it matches and the matched value.
  virtual absl::StatusOr<std::vector<v1::EventLink>> FindRematchLinks(
      const std::string& tenant_id, const v1::Customer& customer) = 0;

  // The stored lookup of an event; nullopt when the tenant has no such event.
  virtual absl::StatusOr<std::optional<StoredLookup>> GetEventLookup(
      const std::string& tenant_id, const std::string& event_id) = 0;

  // Customers sharing any exact or near key with `keys`, at most 200, oldest first.
  virtual absl::StatusOr<std::vector<CandidateRow>> FindCandidates(const std::string& tenant_id,
                                                                   const CandidateKeys& keys) = 0;

  // Customers whose (accent-free) name resembles or contains `folded_text`, whose email contains
  // it, or whose phone contains `digits` (when not empty); best first, at most `limit`.
  virtual absl::StatusOr<std::vector<v1::Customer>> Search(const std::string& tenant_id,
                                                           const std::string& folded_text,
                                                           const std::string& digits,
                                                           int limit) = 0;
};

}  // namespace aievents::matching

#endif  // AIEVENTS_SERVICES_MATCHING_CUSTOMER_STORE_H_
