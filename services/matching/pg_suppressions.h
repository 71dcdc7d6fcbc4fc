// The tenant's suppressions (migration 0012, docs/privacy.md): made by an erasure with
// ?suppress=true (PgCustomerErasures), checked on every batch match (PgCustomerStore), listed
// and lifted by an operator here. Each lift is audited.
#ifndef AIEVENTS_SERVICES_MATCHING_PG_SUPPRESSIONS_H_
#define AIEVENTS_SERVICES_MATCHING_PG_SUPPRESSIONS_H_

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "aievents/v1/matching_service.pb.h"
#include "common/pg/pg_pool.h"
#include "common/rpc/request_context.h"

// The columns SuppressionFromRow reads.
#define AIEVENTS_SUPPRESSION_COLUMNS              \
  "hash, kind, customer_id::text AS customer_id," \
  " (extract(epoch FROM created_at) * 1000000)::bigint AS create_micros, actor, id::text AS id"

namespace aievents::matching {

v1::Suppression SuppressionFromRow(const pqxx::row& row);

class PgSuppressions {
 public:
  explicit PgSuppressions(PgPool* pool) : pool_(pool) { pool->Register(Statements()); }

  static std::vector<PgStatement> Statements();

  // Newest first; INVALID_ARGUMENT names page_size or page_token.
  absl::StatusOr<v1::ListSuppressionsResponse> List(const RequestContext& caller,
                                                    const v1::ListSuppressionsRequest& request);
  // NOT_FOUND when the tenant has no such suppression.
  absl::StatusOr<v1::Suppression> Get(const RequestContext& caller, const std::string& hash);
  // Lifts it, recording "suppression.lifted"; returns what was lifted. NOT_FOUND as Get.
  absl::StatusOr<v1::Suppression> Delete(const RequestContext& caller, const std::string& hash);

 private:
  PgPool* pool_;
};

}  // namespace aievents::matching

#endif  // AIEVENTS_SERVICES_MATCHING_PG_SUPPRESSIONS_H_
