// Matching's side of erasing a person (CustomerEraser, docs/privacy.md): the customer row goes
// at once, with an 'erase' job in matching's outbox (customer_changes) written in the same
// transaction; the job is marked once a full pass through ingest is done, and removed after the
// sweep that follows.
#ifndef AIEVENTS_SERVICES_MATCHING_PG_CUSTOMER_ERASURES_H_
#define AIEVENTS_SERVICES_MATCHING_PG_CUSTOMER_ERASURES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "aievents/v1/matching_service.pb.h"
#include "common/pg/pg_pool.h"
#include "common/rpc/request_context.h"
#include "services/matching/pg_customer_changes.h"
#include "services/matching/suppression_hasher.h"

namespace aievents::matching {

class PgCustomerErasures {
 public:
  explicit PgCustomerErasures(PgPool* pool) : pool_(pool) { pool->Register(Statements()); }

  static std::vector<PgStatement> Statements();

  // In one transaction of the actor's tenant: removes the customer, its pending re-matches and
  // its audit snapshots, records the erase job (with the customer's normalized email and
  // phone) and the audit fact "customer.erase_requested"; with `suppress`, also the
  // suppressions of its email and phone (hashed by `hasher`), each audited, appended to
  // `made`. When the customer is already gone, returns its erasure job if one is under way;
  // nullopt when there is none.
  absl::StatusOr<std::optional<CustomerChange>> Begin(const RequestContext& actor,
                                                      const std::string& customer_id,
                                                      absl::Duration worker_delay, bool suppress,
                                                      const SuppressionHasher& hasher,
                                                      std::vector<v1::Suppression>* made);

  // A full pass of `job` found nothing left. The first: clears the job's identifiers, records
  // "customer.erased" with the counts in the audit trail, and leaves the job for the sweep
  // after `sweep_delay`. A later one (the sweep), when `may_remove`: removes the job.
  absl::Status PassDone(const RequestContext& actor, const CustomerChange& job,
                        int64_t erased_ai_events, int64_t erased_webhook_deliveries,
                        absl::Duration sweep_delay, bool may_remove);

 private:
  PgPool* pool_;
};

}  // namespace aievents::matching

#endif  // AIEVENTS_SERVICES_MATCHING_PG_CUSTOMER_ERASURES_H_
