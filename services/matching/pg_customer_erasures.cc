#include "services/matching/pg_customer_erasures.h"

#include <nlohmann/json.hpp>

#include "common/audit/audit_trail.h"
#include "common/text/ids.h"
#include "services/matching/pg_suppressions.h"

namespace aievents::matching {
namespace {

constexpr char kErasureLockCustomer[] = "erasures_lock_customer";
constexpr char kErasureDropRematches[] = "erasures_drop_rematches";
constexpr char kErasureRecordJob[] = "erasures_record_job";
constexpr char kErasureDeleteCustomer[] = "erasures_delete_customer";
constexpr char kErasureScrubAudit[] = "erasures_scrub_audit";
constexpr char kErasureFindJob[] = "erasures_find_job";
constexpr char kErasureLockJob[] = "erasures_lock_job";
constexpr char kErasureMarkPass[] = "erasures_mark_pass";
constexpr char kErasureRemoveJob[] = "erasures_remove_job";
constexpr char kErasureSuppress[] = "erasures_suppress";

CustomerChange JobFromRow(const pqxx::row& row, const std::string& tenant_id,
                          const std::string& customer_id) {
  CustomerChange job;
  job.tenant_id = tenant_id;
  job.id = row["id"].as<std::string>();
  job.customer_id = customer_id;
  job.kind = "erase";
  job.actor = row["actor"].as<std::string>();
  job.actor_key_id = row["actor_key_id"].as<std::string>();
  job.attempts = row["attempts"].as<int>();
  job.passes = row["passes"].as<int>();
  if (!row["email_normalized"].is_null())
    job.email_normalized = row["email_normalized"].as<std::string>();
  if (!row["phone_e164"].is_null()) job.phone_e164 = row["phone_e164"].as<std::string>();
  return job;
}

#define AIEVENTS_ERASURE_JOB_COLUMNS                                                           \
  "id::text AS id, actor, coalesce(actor_key_id::text, '') AS actor_key_id, attempts, passes," \
  " email_normalized, phone_e164"

}  // namespace

std::vector<PgStatement> PgCustomerErasures::Statements() {
  std::vector<PgStatement> statements = {
      {kErasureLockCustomer,
       "SELECT email_normalized, phone_e164 FROM customers"
       " WHERE tenant_id = $1 AND id = $2 FOR UPDATE"},
      // A re-match of an erased customer has nothing left to do.
      {kErasureDropRematches,
       "DELETE FROM customer_changes WHERE tenant_id = $1 AND customer_id = $2"
       " AND kind = 'rematch'"},
      // The request carries out the job itself; the worker takes it only if it is still there
      // after `$8` ms (the request died or ran out of time).
      {kErasureRecordJob,
       "INSERT INTO customer_changes (tenant_id, id, customer_id, kind, actor, actor_key_id,"
       " email_normalized, phone_e164, next_attempt_at)"
       " VALUES ($1, $2, $3, 'erase', $4, $5, $6, $7,"
       " clock_timestamp() + $8::bigint * interval '1 millisecond')"
       " RETURNING " AIEVENTS_ERASURE_JOB_COLUMNS},
      {kErasureDeleteCustomer, "DELETE FROM customers WHERE tenant_id = $1 AND id = $2"},
      {kErasureScrubAudit, "SELECT scrub_audit_snapshots(ARRAY[$1::text])"},
      {kErasureFindJob, "SELECT " AIEVENTS_ERASURE_JOB_COLUMNS
                        " FROM customer_changes WHERE tenant_id = $1 AND customer_id = $2"
                        " AND kind = 'erase' ORDER BY created_at LIMIT 1"},
      {kErasureLockJob,
       "SELECT passes, next_attempt_at <= clock_timestamp() AS sweep_due FROM customer_changes"
       " WHERE tenant_id = $1 AND id = $2 FOR UPDATE"},
      {kErasureMarkPass,
       "UPDATE customer_changes SET passes = passes + 1, email_normalized = NULL,"
       " phone_e164 = NULL, lease_until = NULL, attempts = 0, last_error = NULL,"
       " next_attempt_at = clock_timestamp() + $3::bigint * interval '1 millisecond'"
       " WHERE tenant_id = $1 AND id = $2"},
      {kErasureRemoveJob, "DELETE FROM customer_changes WHERE tenant_id = $1 AND id = $2"},
      // An identifier suppressed before (another erased customer's) keeps its first record.
      {kErasureSuppress,
       "WITH made AS ("
       "  INSERT INTO suppressions (tenant_id, hash, kind, customer_id, actor, actor_key_id)"
       "  VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, hash) DO NOTHING"
       "  RETURNING " AIEVENTS_SUPPRESSION_COLUMNS ")"
       " SELECT * FROM made UNION ALL"
       " SELECT " AIEVENTS_SUPPRESSION_COLUMNS " FROM suppressions"
       "  WHERE tenant_id = $1 AND hash = $2 AND NOT EXISTS (SELECT 1 FROM made)"},
  };
  for (const PgStatement& statement : AuditStatements()) statements.push_back(statement);
  return statements;
}

absl::StatusOr<std::optional<CustomerChange>> PgCustomerErasures::Begin(
    const RequestContext& actor, const std::string& customer_id, absl::Duration worker_delay,
    bool suppress, const SuppressionHasher& hasher, std::vector<v1::Suppression>* made) {
  const std::string& tenant_id = actor.tenant_id;
  return pool_->InTenantTransaction<std::optional<CustomerChange>>(
      tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<std::optional<CustomerChange>> {
        pqxx::result customer = Exec(txn, kErasureLockCustomer, tenant_id, customer_id);
        if (customer.empty()) {
          pqxx::result job = Exec(txn, kErasureFindJob, tenant_id, customer_id);
          if (job.empty()) return std::optional<CustomerChange>();
          return std::optional(JobFromRow(job[0], tenant_id, customer_id));
        }
        std::optional<std::string> email, phone, key_id;
        if (!customer[0]["email_normalized"].is_null())
          email = customer[0]["email_normalized"].as<std::string>();
        if (!customer[0]["phone_e164"].is_null())
          phone = customer[0]["phone_e164"].as<std::string>();
        if (!actor.key_id.empty()) key_id = actor.key_id;
        Exec(txn, kErasureDropRematches, tenant_id, customer_id);
        pqxx::result job = Exec(txn, kErasureRecordJob, tenant_id, NewUuidV7(), customer_id,
                                actor.key_prefix.empty() ? "internal" : actor.key_prefix,
                                NullableParam(key_id), NullableParam(email), NullableParam(phone),
                                absl::ToInt64Milliseconds(worker_delay));
        Exec(txn, kErasureDeleteCustomer, tenant_id, customer_id);
        std::vector<std::pair<const char*, std::string>> suppressed;
        if (suppress && email) suppressed.emplace_back("email", hasher.Email(*email));
        if (suppress && phone) suppressed.emplace_back("phone", hasher.Phone(*phone));
        for (const auto& [kind, hash] : suppressed) {
          pqxx::row row = Exec(txn, kErasureSuppress, tenant_id, hash, kind, customer_id,
                               actor.key_prefix.empty() ? "internal" : actor.key_prefix,
                               NullableParam(key_id))[0];
          const v1::Suppression& suppression = made->emplace_back(SuppressionFromRow(row));
          AppendAudit(
              txn, actor,
              {"suppression.created", "suppression", hash, std::nullopt, AuditJson(suppression)});
        }
        Exec(txn, kErasureScrubAudit, customer_id);
        AppendAudit(
            txn, actor,
            {"customer.erase_requested", "customer", customer_id, std::nullopt, std::nullopt});
        return std::optional(JobFromRow(job[0], tenant_id, customer_id));
      });
}

absl::Status PgCustomerErasures::PassDone(const RequestContext& actor, const CustomerChange& job,
                                          int64_t erased_ai_events,
                                          int64_t erased_webhook_deliveries,
                                          absl::Duration sweep_delay, bool may_remove) {
  return pool_->InTenantTransaction(job.tenant_id, [&](pqxx::work& txn) {
    pqxx::result current = Exec(txn, kErasureLockJob, job.tenant_id, job.id);
    if (current.empty()) return absl::OkStatus();  // another replica finished it
    if (current[0]["passes"].as<int>() == 0) {
      Exec(txn, kErasureMarkPass, job.tenant_id, job.id, absl::ToInt64Milliseconds(sweep_delay));
      nlohmann::json counts = {{"erased_ai_events", erased_ai_events},
                               {"erased_webhook_deliveries", erased_webhook_deliveries}};
      AppendAudit(txn, actor,
                  {"customer.erased", "customer", job.customer_id, std::nullopt, counts.dump()});
    } else if (may_remove && current[0]["sweep_due"].as<bool>()) {
      // The sweep (not a pass that raced the first one to its end).
      Exec(txn, kErasureRemoveJob, job.tenant_id, job.id);
    }
    return absl::OkStatus();
  });
}

}  // namespace aievents::matching
