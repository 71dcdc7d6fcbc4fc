#include "services/timeline/outbound/pg_outbox_relay.h"

#include <map>
#include <optional>
#include <string>

namespace aievents::timeline {
namespace {

constexpr char kRelayLock[] = "outbound_relay_lock";
constexpr char kOutboxAfter[] = "event_outbox_after";
constexpr char kFanOut[] = "webhook_messages_fan_out";
constexpr char kRelayAdvance[] = "outbound_relay_advance";
constexpr char kPrune[] = "webhook_events_prune";

// One tenant's share of a batch, as arrays for unnest.
struct TenantBatch {
  std::vector<std::optional<std::string>> message_ids, types, subject_ids, created;
};

}  // namespace

std::vector<PgStatement> PgOutboxRelay::Statements() {
  return {
      {kRelayLock,
       "SELECT xid::text AS xid, id FROM outbound_relay WHERE name = 'events'"
       " FOR UPDATE SKIP LOCKED"},
      {kOutboxAfter,
       "SELECT id, xid::text AS xid, tenant_id::text AS tenant_id, message_id::text AS message_id,"
       " type, subject_id::text AS subject_id, created_at::text AS created_at"
       " FROM event_outbox_after($1::xid8, $2::bigint, $3::integer)"},
      // Once per tenant that has an enabled endpoint subscribed to the type, numbered in this
      // transaction (relays take turns, so numbers follow commit order); each endpoint takes
      // them after its cursor as it sends them (claim_webhook_batch). A trigger keeps each
      // type's newest number in webhook_event_heads (migration 0010).
      {kFanOut,
       "INSERT INTO webhook_events (tenant_id, seq, message_id, type, subject_id, created_at)"
       " SELECT $1::uuid, nextval('webhook_events_seq'), m.message_id, m.type, m.subject_id,"
       " m.created_at"
       " FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::timestamptz[])"
       "   AS m(message_id, type, subject_id, created_at)"
       " WHERE EXISTS (SELECT FROM webhook_endpoints e WHERE e.tenant_id = $1::uuid"
       "   AND e.status = 'enabled' AND m.type = ANY (e.event_types))"},
      {kRelayAdvance,
       "UPDATE outbound_relay SET xid = $1::xid8, id = $2, updated_at = now()"
       " WHERE name = 'events'"},
      {kPrune, "SELECT prune_webhook_events($1::integer) AS pruned"},
  };
}

absl::StatusOr<int> PgOutboxRelay::PruneOnce(int limit) {
  return pool_->InSystemTransaction<int>([&](pqxx::work& txn) -> absl::StatusOr<int> {
    return Exec1(txn, kPrune, limit)["pruned"].as<int>();
  });
}

absl::StatusOr<int> PgOutboxRelay::RelayOnce(int limit) {
  return pool_->InSystemTransaction<int>([&](pqxx::work& txn) -> absl::StatusOr<int> {
    pqxx::result cursor = Exec(txn, kRelayLock);
    if (cursor.empty()) return 0;
    pqxx::result rows = Exec(txn, kOutboxAfter, cursor[0]["xid"].as<std::string>(),
                             cursor[0]["id"].as<int64_t>(), limit);
    if (rows.empty()) return 0;
    std::map<std::string, TenantBatch> batches;
    for (const pqxx::row& row : rows) {
      TenantBatch& batch = batches[row["tenant_id"].as<std::string>()];
      batch.message_ids.push_back(row["message_id"].as<std::string>());
      batch.types.push_back(row["type"].as<std::string>());
      batch.subject_ids.push_back(row["subject_id"].as<std::string>());
      batch.created.push_back(row["created_at"].as<std::string>());
    }
    for (const auto& [tenant, batch] : batches) {
      PgPool::ScopeToTenant(txn, tenant);
      Exec(txn, kFanOut, tenant, PgArrayLiteral(batch.message_ids), PgArrayLiteral(batch.types),
           PgArrayLiteral(batch.subject_ids), PgArrayLiteral(batch.created));
    }
    const pqxx::row& last = rows[rows.size() - 1];
    Exec(txn, kRelayAdvance, last["xid"].as<std::string>(), last["id"].as<int64_t>());
    return static_cast<int>(rows.size());
  });
}

}  // namespace aievents::timeline
