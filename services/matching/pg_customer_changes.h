// Matching's outbox (db/migrations/0007_customer_changes.sql): customer changes that others
// must act on, written in the customer's own transaction (RecordRematch), then claimed, carried
// out and removed by RematchWorker. A row is retried until its work is done.
#ifndef AIEVENTS_SERVICES_MATCHING_PG_CUSTOMER_CHANGES_H_
#define AIEVENTS_SERVICES_MATCHING_PG_CUSTOMER_CHANGES_H_

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/pg/pg_pool.h"
#include "common/rpc/request_context.h"

namespace aievents::matching {

// A job to carry out for `customer_id`, as `actor` (the caller who changed the customer):
// kind "rematch" links the unmatched events the customer now matches; kind "erase" removes
// what the erased customer left behind (CustomerEraser).
struct CustomerChange {
  std::string tenant_id;
  std::string id;
  std::string customer_id;
  std::string kind = "rematch";
  std::string actor;
  std::string actor_key_id;  // "" when the change was not made with an API key
  int attempts = 0;
  // Erase jobs: full passes done, and the person's identifiers until the first one is.
  int passes = 0;
  std::optional<std::string> email_normalized, phone_e164;
};

// Records, inside `txn` (the customer's transaction, scoped to the actor's tenant), that the
// re-match for `customer_id` is to be done.
void RecordRematch(pqxx::work& txn, const RequestContext& actor, const std::string& customer_id);

class PgCustomerChanges {
 public:
  explicit PgCustomerChanges(PgPool* pool) : pool_(pool) { pool->Register(Statements()); }

  static std::vector<PgStatement> Statements();

  // Up to `limit` due changes of any tenant, leased to this caller for `lease`.
  absl::StatusOr<std::vector<CustomerChange>> Claim(int limit, absl::Duration lease);
  // The change's work is done: it is removed.
  absl::Status Complete(const CustomerChange& change);
  // The change failed with `error`: tried again after a backoff that doubles per attempt
  // (5 s, 10 s, ... at most 5 minutes).
  absl::Status Defer(const CustomerChange& change, const std::string& error);

 private:
  PgPool* pool_;
};

}  // namespace aievents::matching

#endif  // AIEVENTS_SERVICES_MATCHING_PG_CUSTOMER_CHANGES_H_
