#include "services/ingest/pg_customer_erasure.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_details.h"
#include "common/text/ids.h"

namespace aievents::ingest {
namespace {

constexpr char kEraseStart[] = "erasure_start";
constexpr char kErasePickMatched[] = "erasure_pick_matched";
constexpr char kErasePickUnmatched[] = "erasure_pick_unmatched";
constexpr char kEraseDeleteDeliveries[] = "erasure_delete_deliveries";
constexpr char kEraseDeleteHistory[] = "erasure_delete_history";
constexpr char kEraseScrubAudit[] = "erasure_scrub_audit";
constexpr char kEraseDeleteEvents[] = "erasure_delete_events";
constexpr char kEraseCount[] = "erasure_count";
constexpr char kEraseAnnounce[] = "erasure_announce";

}  // namespace

std::vector<PgStatement> PgCustomerErasure::Statements() {
  return {
      {kEraseStart,
       "INSERT INTO customer_erasures (tenant_id, customer_id) VALUES ($1, $2)"
       " ON CONFLICT DO NOTHING"},
      // Locked, so an association racing the erasure waits and then finds the event gone.
      {kErasePickMatched,
       "SELECT id::text AS id FROM ai_events WHERE tenant_id = $1 AND customer_id = $2"
       " LIMIT $3 FOR UPDATE"},
      // Unmatched events that carry the person's identifiers would have matched them.
      {kErasePickUnmatched,
       "SELECT id::text AS id FROM ai_events WHERE tenant_id = $1 AND customer_id IS NULL"
       " AND (lookup_email_normalized = $2 OR lookup_phone_e164 = $3) LIMIT $4 FOR UPDATE"},
      // Every delivery of a call that became one of these events (a call's deliveries are
      // merged into one event; all of them carry the caller's data).
      {kEraseDeleteDeliveries,
       "WITH calls AS ("
       "  SELECT DISTINCT call_key FROM webhook_deliveries"
       "   WHERE tenant_id = $1 AND event_id = ANY ($2::uuid[]) AND call_key IS NOT NULL)"
       " DELETE FROM webhook_deliveries d WHERE d.tenant_id = $1"
       "   AND (d.event_id = ANY ($2::uuid[]) OR d.call_key IN (SELECT call_key FROM calls))"
       " RETURNING 1"},
      {kEraseDeleteHistory,
       "DELETE FROM ai_event_associations WHERE tenant_id = $1"
       " AND (event_id = ANY ($2::uuid[]) OR to_customer_id = $3 OR from_customer_id = $3)"},
      {kEraseScrubAudit, "SELECT scrub_audit_snapshots($1::text[])"},
      {kEraseDeleteEvents, "DELETE FROM ai_events WHERE tenant_id = $1 AND id = ANY ($2::uuid[])"},
      {kEraseCount,
       "UPDATE customer_erasures SET erased_ai_events = erased_ai_events + $3,"
       " erased_webhook_deliveries = erased_webhook_deliveries + $4"
       " WHERE tenant_id = $1 AND customer_id = $2"
       " RETURNING erased_ai_events, erased_webhook_deliveries,"
       " announced_at IS NOT NULL AS announced"},
      // Subscribers hear of it once, in the transaction that removed the last of it.
      {kEraseAnnounce,
       "WITH announced AS ("
       "  UPDATE customer_erasures SET announced_at = clock_timestamp()"
       "   WHERE tenant_id = $1 AND customer_id = $2 AND announced_at IS NULL RETURNING 1)"
       " INSERT INTO event_outbox (tenant_id, type, subject_id)"
       " SELECT $1, 'customer.erased', $2 FROM announced"},
  };
}

absl::StatusOr<v1::EraseCustomerEventsResponse> PgCustomerErasure::EraseBatch(
    const RequestContext& caller, const v1::EraseCustomerEventsRequest& request) {
  std::vector<FieldViolation> violations;
  if (!IsUuid(request.customer_id())) {
    violations.push_back({"customer_id", "must be a UUID"});
  }
  if (request.limit() < 1 || request.limit() > kMaxLimit) {
    violations.push_back({"limit", absl::StrCat("must be from 1 to ", kMaxLimit)});
  }
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  const std::string& tenant_id = caller.tenant_id;
  const std::string customer_id = absl::AsciiStrToLower(request.customer_id());
  std::optional<std::string> email, phone;
  if (request.has_email_normalized() && !request.email_normalized().empty())
    email = request.email_normalized();
  if (request.has_phone_e164() && !request.phone_e164().empty()) phone = request.phone_e164();
  return pool_->InTenantTransaction<v1::EraseCustomerEventsResponse>(
      tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<v1::EraseCustomerEventsResponse> {
        Exec(txn, kEraseStart, tenant_id, customer_id);
        std::vector<std::optional<std::string>> ids;
        for (const pqxx::row& row :
             Exec(txn, kErasePickMatched, tenant_id, customer_id, request.limit())) {
          ids.push_back(row["id"].as<std::string>());
        }
        const int wanted = request.limit() - static_cast<int>(ids.size());
        if (wanted > 0 && (email || phone)) {
          for (const pqxx::row& row : Exec(txn, kErasePickUnmatched, tenant_id,
                                           NullableParam(email), NullableParam(phone), wanted)) {
            ids.push_back(row["id"].as<std::string>());
          }
        }
        const std::string id_array = PgArrayLiteral(ids);
        const int64_t deliveries =
            static_cast<int64_t>(Exec(txn, kEraseDeleteDeliveries, tenant_id, id_array).size());
        Exec(txn, kEraseDeleteHistory, tenant_id, id_array, customer_id);
        Exec(txn, kEraseScrubAudit, id_array);
        Exec(txn, kEraseDeleteEvents, tenant_id, id_array);
        pqxx::result totals = Exec(txn, kEraseCount, tenant_id, customer_id,
                                   static_cast<int64_t>(ids.size()), deliveries);
        const bool done = static_cast<int>(ids.size()) < request.limit();
        if (done && !totals[0]["announced"].as<bool>()) {
          Exec(txn, kEraseAnnounce, tenant_id, customer_id);
        }
        v1::EraseCustomerEventsResponse response;
        response.set_erased_ai_events(totals[0]["erased_ai_events"].as<int64_t>());
        response.set_erased_webhook_deliveries(
            totals[0]["erased_webhook_deliveries"].as<int64_t>());
        response.set_done(done);
        return response;
      });
}

}  // namespace aievents::ingest
