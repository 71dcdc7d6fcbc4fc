// CustomerStore on PostgreSQL: the customers table and matching's reads of ai_events; the
// single-round-trip match queries (batched matching through the pipelined pool).
#ifndef AIEVENTS_SERVICES_MATCHING_PG_CUSTOMER_STORE_H_
#define AIEVENTS_SERVICES_MATCHING_PG_CUSTOMER_STORE_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "aievents/v1/customer.pb.h"
#include "aievents/v1/ingest_service.pb.h"
#include "aievents/v1/matching_service.pb.h"
#include "common/pg/pg_pipeline.h"
#include "common/pg/pg_pool.h"
#include "services/matching/customer_store.h"

namespace aievents::matching {

class PgCustomerStore final : public CustomerStore {
 public:
  // Batched matching (FindMatches) goes through `pipeline`, everything else through `pool`.
  PgCustomerStore(PgPool* pool, PgPipelinePool* pipeline) : pool_(pool), pipeline_(pipeline) {
    pool->Register(Statements());
    pipeline->Register(PipelineStatements());
  }

  // The statements of the pool, and the one of them the pipeline runs (the batch match).
  static std::vector<PgStatement> Statements();
  static std::vector<PgStatement> PipelineStatements();

  absl::StatusOr<v1::Customer> Insert(const RequestContext& actor,
                                      const CustomerRecord& record) override;
  absl::StatusOr<v1::Customer> Update(
      const RequestContext& actor, const std::string& id,
      const std::function<absl::StatusOr<CustomerRecord>(const v1::Customer&)>& change) override;
  absl::StatusOr<std::optional<v1::Customer>> Get(const std::string& tenant_id,
                                                  const std::string& id) override;
  absl::StatusOr<std::optional<CustomerMatch>> FindMatch(
      const std::string& tenant_id, const v1::NormalizedLookup& lookup) override;
  absl::StatusOr<std::vector<std::optional<CustomerMatch>>> FindMatches(
      const std::string& tenant_id, const std::vector<v1::NormalizedLookup>& lookups,
      const std::vector<std::string>& identifier_hashes,
      absl::flat_hash_set<std::string>* suppressed) override;
  absl::StatusOr<std::vector<v1::EventLink>> FindRematchLinks(
      const std::string& tenant_id, const v1::Customer& customer) override;
  absl::StatusOr<std::optional<StoredLookup>> GetEventLookup(const std::string& tenant_id,
                                                             const std::string& event_id) override;
  absl::StatusOr<std::vector<CandidateRow>> FindCandidates(const std::string& tenant_id,
                                                           const CandidateKeys& keys) override;
  absl::StatusOr<std::vector<v1::Customer>> Search(const std::string& tenant_id,
                                                   const std::string& folded_text,
                                                   const std::string& digits, int limit) override;

 private:
  PgPool* pool_;
  PgPipelinePool* pipeline_;
};

}  // namespace aievents::matching

#endif  // AIEVENTS_SERVICES_MATCHING_PG_CUSTOMER_STORE_H_
