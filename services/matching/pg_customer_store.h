// The customers table: insert, fetch, and the single-round-trip match query.
#ifndef AIEVENTS_SERVICES_MATCHING_PG_CUSTOMER_STORE_H_
#define AIEVENTS_SERVICES_MATCHING_PG_CUSTOMER_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "aievents/v1/customer.pb.h"
#include "aievents/v1/matching_service.pb.h"
#include "common/pg_pool.h"

namespace aievents::matching {

// The winner of a match query.
struct CustomerMatch {
  std::string customer_id;
  v1::MatchMethod method;
  std::string matched_value;
};

class PgCustomerStore {
 public:
  explicit PgCustomerStore(PgPool* pool) : pool_(pool) {}

  // The statements the pool must prepare.
  static std::vector<PgStatement> Statements();

  // Inserts `customer` (id and normalized forms already set) and returns it with created_at.
  absl::StatusOr<v1::Customer> Insert(const std::string& tenant_id, v1::Customer customer);

  // The customer, or nullopt when the tenant has no such customer.
  absl::StatusOr<std::optional<v1::Customer>> Get(const std::string& tenant_id,
                                                  const std::string& id);

  // Email, then phone, then name; within a rule the oldest customer (created_at, id). Absent
  // parts of `lookup` are skipped. nullopt when nobody matches.
  absl::StatusOr<std::optional<CustomerMatch>> FindMatch(const std::string& tenant_id,
                                                         const v1::NormalizedLookup& lookup);

 private:
  PgPool* pool_;
};

}  // namespace aievents::matching

#endif  // AIEVENTS_SERVICES_MATCHING_PG_CUSTOMER_STORE_H_
