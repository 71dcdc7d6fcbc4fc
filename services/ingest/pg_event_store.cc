#include "services/ingest/pg_event_store.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/pg/ai_event_row.h"
#include "common/pg/table_columns.h"
#include "common/runtime/status_macros.h"
#include "common/text/proto_enum_names.h"
#include "common/text/rfc3339.h"
#include "common/text/text.h"
#include "google/protobuf/util/time_util.h"

namespace aievents::ingest {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kInsertBatch[] = "ai_events_insert_batch";
constexpr char kUpsertCall[] = "ai_events_upsert_call";

// The rows stored under some keys (FindByKeysSql), or under some keys except ours
// (FindConflictsSql). Planned at each execution, not
// prepared: prepared statements here get plans made once, and one made while ai_events was
// empty (a new deployment's first minute, before autovacuum's first ANALYZE) used any index
// on tenant_id and filtered on the key, reading every row of the tenant for each batch as the
// table grew. Planned with real statistics, it probes the idempotency index once per key.
const std::string& FindByKeysSql() {
  static const std::string sql =
      absl::StrCat("SELECT ", kAiEventColumns,
                   " FROM ai_events WHERE tenant_id = $1 AND idempotency_key = ANY($2::text[])");
  return sql;
}

const std::string& FindConflictsSql() {
  static const std::string sql =
      absl::StrCat("SELECT ", kAiEventColumns,
                   " FROM ai_events WHERE tenant_id = $1 AND idempotency_key = ANY($2::text[])"
                   " AND id <> ALL($3::uuid[])");
  return sql;
}

using Value = std::optional<std::string>;
using Column = std::vector<Value>;

// ai_events as ingest writes it, after tenant_id (always $1): the one declaration the insert,
// the upsert and their parameters come from.
const TableColumns<NewEvent>& EventColumns() {
  static const TableColumns<NewEvent> columns = {
      {"id", "uuid", [](const NewEvent& r) -> Value { return r.id; }},
      {"customer_id", "uuid",
       [](const NewEvent& r) {
         return OptionalIf(r.match->has_customer_id(), r.match->customer_id());
       }},
      {"match_method", "text",
       [](const NewEvent& r) -> Value { return ShortName(r.match->match_method()); }},
      {"matched_value", "text",
       [](const NewEvent& r) {
         return OptionalIf(r.match->has_matched_value(), r.match->matched_value());
       }},
      {"event_type", "text",
       [](const NewEvent& r) -> Value { return ShortName(r.event->event_type); }},
      {"source", "text", [](const NewEvent& r) -> Value { return r.event->source; }},
      {"summary", "text", [](const NewEvent& r) -> Value { return r.event->summary; }},
      {"raw_payload", "text", [](const NewEvent& r) -> Value { return r.event->raw_payload; }},
      {"confidence", "float8",
       [](const NewEvent& r) -> Value {
         if (!r.event->confidence) return std::nullopt;
         return absl::StrFormat("%.17g", *r.event->confidence);
       }},
      {"source_eid", "text", [](const NewEvent& r) -> Value { return r.event->source_eid; }},
      {"idempotency_key", "text", [](const NewEvent& r) -> Value { return r.idempotency_key; }},
      {"occurred_at", "timestamptz",
       [](const NewEvent& r) -> Value { return FormatRfc3339(r.event->occurred_at); }},
      {"lookup_email", "text",
       [](const NewEvent& r) {
         return OptionalIf(r.event->lookup.has_email(), r.event->lookup.email());
       }},
      {"lookup_phone", "text",
       [](const NewEvent& r) {
         return OptionalIf(r.event->lookup.has_phone(), r.event->lookup.phone());
       }},
      {"lookup_first_name", "text",
       [](const NewEvent& r) {
         return OptionalIf(r.event->lookup.has_first_name(), r.event->lookup.first_name());
       }},
      {"lookup_last_name", "text",
       [](const NewEvent& r) {
         return OptionalIf(r.event->lookup.has_last_name(), r.event->lookup.last_name());
       }},
      {"lookup_customer_id", "text",
       [](const NewEvent& r) {
         return OptionalIf(r.event->lookup.has_customer_id(), r.event->lookup.customer_id());
       }},
      {"lookup_email_normalized", "text",
       [](const NewEvent& r) {
         const v1::NormalizedLookup& n = r.match->normalized_lookup();
         return OptionalIf(n.has_email(), n.email());
       }},
      {"lookup_phone_e164", "text",
       [](const NewEvent& r) {
         const v1::NormalizedLookup& n = r.match->normalized_lookup();
         return OptionalIf(n.has_phone_e164(), n.phone_e164());
       }},
      {"lookup_name_normalized", "text",
       [](const NewEvent& r) {
         const v1::NormalizedLookup& n = r.match->normalized_lookup();
         return OptionalIf(n.has_name(), n.name());
       }},
  };
  return columns;
}

// The stored event of a row just inserted: what was sent, plus the two timestamps as the
// database holds them (microseconds). Equal to what AiEventFromRow reads back later.
v1::AiEvent EventFromInsert(const NewEvent& item, int64_t occurred_us, int64_t received_us) {
  const ValidatedEvent& e = *item.event;
  const v1::MatchCustomerResponse& m = *item.match;
  v1::AiEvent event;
  event.set_id(item.id);
  if (m.has_customer_id()) event.set_customer_id(m.customer_id());
  event.set_match_method(m.match_method());
  if (m.has_matched_value()) event.set_matched_value(m.matched_value());
  event.set_event_type(e.event_type);
  event.set_source(e.source);
  event.set_summary(e.summary);
  event.set_raw_payload(e.raw_payload);
  if (e.confidence) event.set_confidence(*e.confidence);
  if (e.source_eid) event.set_source_eid(*e.source_eid);
  event.set_idempotency_key(item.idempotency_key);
  *event.mutable_occurred_at() = TimeUtil::MicrosecondsToTimestamp(occurred_us);
  *event.mutable_received_at() = TimeUtil::MicrosecondsToTimestamp(received_us);
  v1::CustomerLookup* lookup = event.mutable_customer_lookup();
  if (e.lookup.has_email()) lookup->set_email(e.lookup.email());
  if (e.lookup.has_phone()) lookup->set_phone(e.lookup.phone());
  if (e.lookup.has_first_name()) lookup->set_first_name(e.lookup.first_name());
  if (e.lookup.has_last_name()) lookup->set_last_name(e.lookup.last_name());
  if (e.lookup.has_customer_id()) lookup->set_customer_id(e.lookup.customer_id());
  return event;
}

}  // namespace

std::vector<PgStatement> PgEventStore::Statements() {
  const TableColumns<NewEvent>& columns = EventColumns();
  static const std::string insert_batch =
      absl::StrCat("INSERT INTO ai_events (tenant_id, ", columns.Names(), ")",
                   " SELECT $1::uuid, * FROM unnest(", columns.ArrayParams(2), ")",
                   " ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING id::text AS id,"
                   " (extract(epoch FROM occurred_at) * 1000000)::bigint AS occurred_micros,"
                   " (extract(epoch FROM received_at) * 1000000)::bigint AS received_micros");
  // A call's event is rebuilt from all of its deliveries each time one arrives, so the new
  // content replaces the old; the customer only moves to a found match, never off a manual one.
  static const std::string upsert_call = absl::StrCat(
      "INSERT INTO ai_events (tenant_id, ", columns.Names(), ") VALUES ($1::uuid, ",
      columns.Params(2), ")",
      " ON CONFLICT (tenant_id, idempotency_key) DO UPDATE SET"
      " customer_id = CASE WHEN ai_events.match_method = 'manual' OR EXCLUDED.customer_id IS NULL"
      "   THEN ai_events.customer_id ELSE EXCLUDED.customer_id END,"
      " match_method = CASE WHEN ai_events.match_method = 'manual' OR EXCLUDED.customer_id IS NULL"
      "   THEN ai_events.match_method ELSE EXCLUDED.match_method END,"
      " matched_value = CASE WHEN ai_events.match_method = 'manual' OR EXCLUDED.customer_id IS NULL"
      "   THEN ai_events.matched_value ELSE EXCLUDED.matched_value END, ",
      columns.ExcludedAssignments(
          {"id", "customer_id", "match_method", "matched_value", "idempotency_key"}),
      " RETURNING ", kAiEventColumns);
  return {{kInsertBatch, insert_batch.c_str()}, {kUpsertCall, upsert_call.c_str()}};
}

absl::StatusOr<std::vector<StoredEvent>> PgEventStore::InsertBatch(
    const std::string& tenant_id, const std::vector<NewEvent>& events) {
  std::vector<TenantRows> tenants(1);
  tenants[0].tenant_id = tenant_id;
  tenants[0].rows = events;
  AIEV_ASSIGN_OR_RETURN(auto stored, InsertBatches(tenants));
  return std::move(stored.front());
}

absl::StatusOr<std::vector<std::vector<StoredEvent>>> PgEventStore::InsertBatches(
    const std::vector<TenantRows>& tenants) {
  // Per tenant: scope, insert, and the rows already stored under the keys that conflicted
  // (those whose id is not one of ours: the insert ran first, so this read sees what it
  // waited for). All of it is one transaction in one round trip.
  std::vector<PgCall> calls;
  for (const TenantRows& tenant : tenants) {
    Column keys, ids;
    for (const NewEvent& item : tenant.rows) {
      keys.push_back(item.idempotency_key);
      ids.push_back(item.id);
    }
    calls.push_back(ScopeToTenantCall(tenant.tenant_id));
    PgCall insert{kInsertBatch, {tenant.tenant_id}};
    for (std::string& column : EventColumns().ArrayLiterals(tenant.rows)) {
      insert.params.push_back(std::move(column));
    }
    calls.push_back(std::move(insert));
    calls.push_back({FindConflictsSql().c_str(),
                     {tenant.tenant_id, PgArrayLiteral(keys), PgArrayLiteral(ids)},
                     /*plan_each_time=*/true});
  }
  AIEV_ASSIGN_OR_RETURN(std::vector<PgRows> results, pipeline_->RunTransaction(calls));

  std::vector<std::vector<StoredEvent>> stored(tenants.size());
  for (size_t t = 0; t < tenants.size(); ++t) {
    const std::vector<NewEvent>& rows = tenants[t].rows;
    const PgRows& inserted = results[3 * t + 1];
    const PgRows& existing = results[3 * t + 2];
    // Inserted rows come back as (id, occurred_at, received_at): the rest is what was sent.
    const int id_column = inserted.Column("id");
    const int occurred_column = inserted.Column("occurred_micros");
    const int received_column = inserted.Column("received_micros");
    std::map<std::string, int, std::less<>> inserted_by_id;
    for (int r = 0; r < inserted.size(); ++r) {
      inserted_by_id[std::string(inserted.Text(r, id_column))] = r;
    }
    std::map<std::string, v1::AiEvent> existing_by_key;
    for (v1::AiEvent& event : AiEventsFromRows(existing)) {
      existing_by_key[event.idempotency_key()] = std::move(event);
    }
    stored[t].resize(rows.size());
    Column missing;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (auto it = inserted_by_id.find(rows[i].id); it != inserted_by_id.end()) {
        stored[t][i] = {EventFromInsert(rows[i], inserted.Int64(it->second, occurred_column),
                                        inserted.Int64(it->second, received_column)),
                        true};
      } else if (auto it = existing_by_key.find(rows[i].idempotency_key);
                 it != existing_by_key.end()) {
        stored[t][i] = {it->second, false};
      } else {
        missing.push_back(rows[i].idempotency_key);
      }
    }
    if (missing.empty()) continue;
    // Committed by another transaction while the read above was already under way: read again.
    AIEV_ASSIGN_OR_RETURN(
        std::vector<PgRows> again,
        pipeline_->RunTransaction({ScopeToTenantCall(tenants[t].tenant_id),
                                   {FindByKeysSql().c_str(),
                                    {tenants[t].tenant_id, PgArrayLiteral(missing)},
                                    /*plan_each_time=*/true}}));
    for (v1::AiEvent& event : AiEventsFromRows(again[1])) {
      existing_by_key[event.idempotency_key()] = std::move(event);
    }
    for (size_t i = 0; i < rows.size(); ++i) {
      if (stored[t][i].event.id().empty()) {
        auto it = existing_by_key.find(rows[i].idempotency_key);
        if (it == existing_by_key.end()) {
          return absl::AbortedError(
              absl::StrCat("idempotency key conflicted but no stored event was found: ",
                           rows[i].idempotency_key));
        }
        stored[t][i] = {it->second, false};
      }
    }
  }
  return stored;
}

v1::AiEvent PgEventStore::UpsertCallEvent(pqxx::work& txn, const std::string& tenant_id,
                                          const NewEvent& event) {
  std::vector<std::optional<std::string>> values = EventColumns().Values(event);
  std::vector<const char*> params = ParamPointers(values);
  pqxx::row row = Exec1(txn, kUpsertCall, tenant_id, pqxx::prepare::make_dynamic_params(params));
  return AiEventFromRow(row);
}

}  // namespace aievents::ingest
