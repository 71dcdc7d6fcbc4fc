// Ingest's part of erasing a person (MatchingService.EraseCustomer, docs/privacy.md): the
// events, history, vendor deliveries and audit snapshots it owns, removed in bounded batches,
// each batch one transaction, with the erasure's counts kept in customer_erasures.
#ifndef AIEVENTS_SERVICES_INGEST_PG_CUSTOMER_ERASURE_H_
#define AIEVENTS_SERVICES_INGEST_PG_CUSTOMER_ERASURE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "aievents/v1/ingest_service.pb.h"
#include "common/pg/pg_pool.h"
#include "common/rpc/request_context.h"

namespace aievents::ingest {

class PgCustomerErasure {
 public:
  // Most events one batch removes.
  static constexpr int kMaxLimit = 5000;

  explicit PgCustomerErasure(PgPool* pool) : pool_(pool) { pool->Register(Statements()); }

  static std::vector<PgStatement> Statements();

  // One batch (see IngestService.EraseCustomerEvents); INVALID_ARGUMENT names a bad field.
  absl::StatusOr<v1::EraseCustomerEventsResponse> EraseBatch(
      const RequestContext& caller, const v1::EraseCustomerEventsRequest& request);

 private:
  PgPool* pool_;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_PG_CUSTOMER_ERASURE_H_
