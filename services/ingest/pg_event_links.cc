#include "services/ingest/pg_event_links.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/audit/audit_trail.h"
#include "common/pg/ai_event_row.h"

namespace aievents::ingest {
namespace {

constexpr char kLockEvent[] = "links_lock_event";
constexpr char kCustomerExists[] = "links_customer_exists";
constexpr char kAssociate[] = "links_associate";
constexpr char kRecordAssociation[] = "links_record_association";
constexpr char kLinkUnmatched[] = "links_link_unmatched";

std::optional<std::string> KeyIdParam(const Actor& actor) {
  if (actor.key_id.empty()) return std::nullopt;
  return actor.key_id;
}

}  // namespace

std::vector<PgStatement> PgEventLinks::Statements() {
  std::vector<PgStatement> statements = EventWithHistoryStatements();
  std::vector<PgStatement> own = {
      {kLockEvent,
       "SELECT customer_id::text, match_method FROM ai_events"
       " WHERE tenant_id = $1 AND id = $2 FOR UPDATE"},
      // customers belongs to matching; ingest only reads it, to refuse a link to nobody.
      {kCustomerExists, "SELECT 1 FROM customers WHERE tenant_id = $1 AND id = $2"},
      {kAssociate,
       "UPDATE ai_events SET customer_id = $3, match_method = 'manual', matched_value = NULL"
       " WHERE tenant_id = $1 AND id = $2"},
      {kRecordAssociation,
       "INSERT INTO ai_event_associations (tenant_id, id, event_id, from_customer_id,"
       " to_customer_id, method, actor_key_id, actor)"
       " VALUES ($1, gen_random_uuid(), $2, $3, $4, 'manual', $5, $6)"},
      // The UPDATE re-checks customer_id IS NULL under the row lock, so an event associated
      // or matched since matching looked is left alone.
      {kLinkUnmatched,
       "WITH links AS ("
       "  SELECT DISTINCT ON (l.event_id) l.event_id, l.customer_id, l.value"
       "  FROM unnest($2::uuid[], $3::uuid[], $4::text[]) AS l(event_id, customer_id, value)"
       "  JOIN customers c ON c.tenant_id = $1 AND c.id = l.customer_id"
       "  ORDER BY l.event_id"
       "), updated AS ("
       "  UPDATE ai_events e SET customer_id = l.customer_id, match_method = 'auto',"
       "    matched_value = l.value"
       "  FROM links l"
       "  WHERE e.tenant_id = $1 AND e.id = l.event_id AND e.customer_id IS NULL"
       "  RETURNING e.id, e.customer_id"
       ")"
       " INSERT INTO ai_event_associations (tenant_id, id, event_id, from_customer_id,"
       "   to_customer_id, method, actor_key_id, actor)"
       " SELECT $1, gen_random_uuid(), u.id, NULL, u.customer_id, 'auto', $5, $6 FROM updated u"
       " RETURNING event_id"},
  };
  statements.insert(statements.end(), own.begin(), own.end());
  // An association is recorded in the audit trail, in the same transaction.
  for (const PgStatement& statement : AuditStatements()) statements.push_back(statement);
  return statements;
}

absl::StatusOr<v1::AiEvent> PgEventLinks::Associate(const RequestContext& caller,
                                                    const std::string& event_id,
                                                    const std::string& customer_id) {
  const std::string& tenant_id = caller.tenant_id;
  Actor actor{caller.key_id, caller.key_prefix};
  return pool_->InTenantTransaction<v1::AiEvent>(
      tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<v1::AiEvent> {
        pqxx::result current = Exec(txn, kLockEvent, tenant_id, event_id);
        if (current.empty()) {
          return absl::NotFoundError(absl::StrCat("AI event ", event_id, " not found"));
        }
        if (Exec(txn, kCustomerExists, tenant_id, customer_id).empty()) {
          return absl::NotFoundError(absl::StrCat("customer ", customer_id, " not found"));
        }
        std::optional<std::string> from;
        if (!current[0]["customer_id"].is_null())
          from = current[0]["customer_id"].as<std::string>();
        bool unchanged =
            from == customer_id && current[0]["match_method"].as<std::string>() == "manual";
        if (!unchanged) {
          Exec(txn, kAssociate, tenant_id, event_id, customer_id);
          Exec(txn, kRecordAssociation, tenant_id, event_id, NullableParam(from), customer_id,
               NullableParam(KeyIdParam(actor)), actor.description);
          nlohmann::json before = {{"customer_id", from ? nlohmann::json(*from) : nullptr},
                                   {"match_method", current[0]["match_method"].as<std::string>()}};
          nlohmann::json after = {{"customer_id", customer_id}, {"match_method", "manual"}};
          AppendAudit(txn, caller,
                      {"event.associated", "ai_event", event_id, before.dump(), after.dump()});
        }
        return *ReadEventWithHistory(txn, tenant_id, event_id);  // locked above: it exists
      });
}

absl::StatusOr<int> PgEventLinks::LinkUnmatched(const std::string& tenant_id,
                                                const std::vector<v1::EventLink>& links,
                                                const Actor& actor) {
  if (links.empty()) return 0;
  std::vector<std::optional<std::string>> events, customers, values;
  for (const v1::EventLink& link : links) {
    events.push_back(link.event_id());
    customers.push_back(link.customer_id());
    values.push_back(link.matched_value());
  }
  int linked = 0;
  absl::Status status = pool_->InTenantTransaction(tenant_id, [&](pqxx::work& txn) {
    pqxx::result rows =
        Exec(txn, kLinkUnmatched, tenant_id, PgArrayLiteral(events), PgArrayLiteral(customers),
             PgArrayLiteral(values), NullableParam(KeyIdParam(actor)), actor.description);
    linked = static_cast<int>(rows.size());
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return linked;
}

}  // namespace aievents::ingest
