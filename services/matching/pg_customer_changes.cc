#include "services/matching/pg_customer_changes.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "common/text/ids.h"

namespace aievents::matching {
namespace {

constexpr char kRecord[] = "customer_changes_record";
constexpr char kClaim[] = "customer_changes_claim";
constexpr char kComplete[] = "customer_changes_complete";
constexpr char kDefer[] = "customer_changes_defer";

}  // namespace

std::vector<PgStatement> PgCustomerChanges::Statements() {
  return {
      {kRecord,
       "INSERT INTO customer_changes (tenant_id, id, customer_id, kind, actor, actor_key_id)"
       " VALUES ($1, $2, $3, 'rematch', $4, $5)"},
      // Across tenants, through the SECURITY DEFINER claim (row-level security hides every
      // tenant's rows from a transaction of none).
      {kClaim,
       "SELECT tenant_id::text AS tenant_id, id::text AS id, customer_id::text AS customer_id,"
       " kind, actor, coalesce(actor_key_id::text, '') AS actor_key_id, attempts, passes,"
       " email_normalized, phone_e164 FROM claim_customer_changes($1, $2::interval)"},
      {kComplete, "DELETE FROM customer_changes WHERE tenant_id = $1 AND id = $2"},
      {kDefer,
       "UPDATE customer_changes SET attempts = attempts + 1, lease_until = NULL,"
       " last_error = $3, next_attempt_at = clock_timestamp()"
       "   + least(interval '5 minutes', interval '5 seconds' * power(2, least(attempts, 16)))"
       " WHERE tenant_id = $1 AND id = $2"},
  };
}

void RecordRematch(pqxx::work& txn, const RequestContext& actor, const std::string& customer_id) {
  std::optional<std::string> key_id;
  if (!actor.key_id.empty()) key_id = actor.key_id;
  Exec(txn, kRecord, actor.tenant_id, NewUuidV7(), customer_id,
       actor.key_prefix.empty() ? "internal" : actor.key_prefix, NullableParam(key_id));
}

absl::StatusOr<std::vector<CustomerChange>> PgCustomerChanges::Claim(int limit,
                                                                     absl::Duration lease) {
  std::string interval = absl::StrCat(absl::ToInt64Milliseconds(lease), " milliseconds");
  return pool_->InSystemTransaction<std::vector<CustomerChange>>([&](pqxx::work& txn) {
    std::vector<CustomerChange> claimed;
    for (const pqxx::row& row : Exec(txn, kClaim, limit, interval)) {
      CustomerChange change;
      change.tenant_id = row["tenant_id"].as<std::string>();
      change.id = row["id"].as<std::string>();
      change.customer_id = row["customer_id"].as<std::string>();
      change.kind = row["kind"].as<std::string>();
      change.actor = row["actor"].as<std::string>();
      change.actor_key_id = row["actor_key_id"].as<std::string>();
      change.attempts = row["attempts"].as<int>();
      change.passes = row["passes"].as<int>();
      if (!row["email_normalized"].is_null())
        change.email_normalized = row["email_normalized"].as<std::string>();
      if (!row["phone_e164"].is_null()) change.phone_e164 = row["phone_e164"].as<std::string>();
      claimed.push_back(std::move(change));
    }
    return claimed;
  });
}

absl::Status PgCustomerChanges::Complete(const CustomerChange& change) {
  return pool_->InTenantTransaction(change.tenant_id, [&](pqxx::work& txn) {
    Exec(txn, kComplete, change.tenant_id, change.id);
    return absl::OkStatus();
  });
}

absl::Status PgCustomerChanges::Defer(const CustomerChange& change, const std::string& error) {
  return pool_->InTenantTransaction(change.tenant_id, [&](pqxx::work& txn) {
    Exec(txn, kDefer, change.tenant_id, change.id, error);
    return absl::OkStatus();
  });
}

}  // namespace aievents::matching
