#include "services/ingest/pg_event_store.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/ai_event_row.h"
#include "common/proto_enum_names.h"
#include "common/rfc3339.h"
#include "common/text.h"

namespace aievents::ingest {
namespace {

constexpr char kFindByKey[] = "ai_events_find_by_key";
constexpr char kFindByKeys[] = "ai_events_find_by_keys";
constexpr char kInsertBatch[] = "ai_events_insert_batch";
constexpr char kUpsertCall[] = "ai_events_upsert_call";

// The inserted columns after tenant_id, in the order ColumnValues() returns them.
constexpr char kInsertColumns[] =
    "tenant_id, id, customer_id, match_method, matched_value, event_type, source, summary,"
    " raw_payload, confidence, source_eid, idempotency_key, occurred_at, lookup_email,"
    " lookup_phone, lookup_first_name, lookup_last_name, lookup_customer_id,"
    " lookup_email_normalized, lookup_phone_e164, lookup_name_normalized";
constexpr int kColumns = 20;

using Column = std::vector<std::optional<std::string>>;

std::vector<std::optional<std::string>> ColumnValues(const NewEvent& item) {
  const ValidatedEvent& e = *item.event;
  const v1::MatchCustomerResponse& m = *item.match;
  const v1::NormalizedLookup& n = m.normalized_lookup();
  return {
      item.id,
      OptionalIf(m.has_customer_id(), m.customer_id()),
      ShortName(m.match_method()),
      OptionalIf(m.has_matched_value(), m.matched_value()),
      ShortName(e.event_type),
      e.source,
      e.summary,
      e.raw_payload,
      e.confidence ? std::optional(absl::StrFormat("%.17g", *e.confidence)) : std::nullopt,
      e.source_eid,
      item.idempotency_key,
      FormatRfc3339(e.occurred_at),
      OptionalIf(e.lookup.has_email(), e.lookup.email()),
      OptionalIf(e.lookup.has_phone(), e.lookup.phone()),
      OptionalIf(e.lookup.has_first_name(), e.lookup.first_name()),
      OptionalIf(e.lookup.has_last_name(), e.lookup.last_name()),
      OptionalIf(e.lookup.has_customer_id(), e.lookup.customer_id()),
      OptionalIf(n.has_email(), n.email()),
      OptionalIf(n.has_phone_e164(), n.phone_e164()),
      OptionalIf(n.has_name(), n.name()),
  };
}

}  // namespace

std::vector<PgStatement> PgEventStore::Statements() {
  static const std::string find_by_key = absl::StrCat(
      "SELECT ", kAiEventColumns, " FROM ai_events WHERE tenant_id = $1 AND idempotency_key = $2");
  static const std::string find_by_keys =
      absl::StrCat("SELECT ", kAiEventColumns,
                   " FROM ai_events WHERE tenant_id = $1 AND idempotency_key = ANY($2::text[])");
  static const std::string insert_batch = absl::StrCat(
      "INSERT INTO ai_events (", kInsertColumns, ")",
      " SELECT $1::uuid, * FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[],"
      " $6::text[], $7::text[], $8::text[], $9::text[], $10::float8[], $11::text[], $12::text[],"
      " $13::timestamptz[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[],"
      " $19::text[], $20::text[], $21::text[])"
      " ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING ",
      kAiEventColumns);
  // A call's event is rebuilt from all of its deliveries each time one arrives, so the new
  // content replaces the old; the customer only moves to a found match, never off a manual one.
  static const std::string upsert_call = absl::StrCat(
      "INSERT INTO ai_events (", kInsertColumns,
      ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
      " $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)"
      " ON CONFLICT (tenant_id, idempotency_key) DO UPDATE SET"
      " customer_id = CASE WHEN ai_events.match_method = 'manual' OR EXCLUDED.customer_id IS NULL"
      "   THEN ai_events.customer_id ELSE EXCLUDED.customer_id END,"
      " match_method = CASE WHEN ai_events.match_method = 'manual' OR EXCLUDED.customer_id IS NULL"
      "   THEN ai_events.match_method ELSE EXCLUDED.match_method END,"
      " matched_value = CASE WHEN ai_events.match_method = 'manual' OR EXCLUDED.customer_id IS NULL"
      "   THEN ai_events.matched_value ELSE EXCLUDED.matched_value END,"
      " event_type = EXCLUDED.event_type, source = EXCLUDED.source, summary = EXCLUDED.summary,"
      " raw_payload = EXCLUDED.raw_payload, confidence = EXCLUDED.confidence,"
      " source_eid = EXCLUDED.source_eid, occurred_at = EXCLUDED.occurred_at,"
      " lookup_email = EXCLUDED.lookup_email, lookup_phone = EXCLUDED.lookup_phone,"
      " lookup_first_name = EXCLUDED.lookup_first_name,"
      " lookup_last_name = EXCLUDED.lookup_last_name,"
      " lookup_customer_id = EXCLUDED.lookup_customer_id,"
      " lookup_email_normalized = EXCLUDED.lookup_email_normalized,"
      " lookup_phone_e164 = EXCLUDED.lookup_phone_e164,"
      " lookup_name_normalized = EXCLUDED.lookup_name_normalized"
      " RETURNING ",
      kAiEventColumns);
  return {{kFindByKey, find_by_key.c_str()},
          {kFindByKeys, find_by_keys.c_str()},
          {kInsertBatch, insert_batch.c_str()},
          {kUpsertCall, upsert_call.c_str()}};
}

absl::StatusOr<std::optional<v1::AiEvent>> PgEventStore::FindByIdempotencyKey(
    const std::string& tenant_id, const std::string& idempotency_key) {
  std::optional<v1::AiEvent> found;
  absl::Status status = pool_->InTenantTransaction(tenant_id, [&](pqxx::work& txn) {
    pqxx::result rows = txn.exec_prepared(kFindByKey, tenant_id, idempotency_key);
    if (!rows.empty()) found = AiEventFromRow(rows[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return found;
}

absl::StatusOr<std::vector<StoredEvent>> PgEventStore::InsertBatch(
    const std::string& tenant_id, const std::vector<NewEvent>& events) {
  std::vector<Column> columns(kColumns);
  for (const NewEvent& item : events) {
    std::vector<std::optional<std::string>> values = ColumnValues(item);
    for (int i = 0; i < kColumns; ++i) columns[i].push_back(std::move(values[i]));
  }
  std::vector<std::string> arrays;
  for (const Column& column : columns) arrays.push_back(PgArrayLiteral(column));

  std::vector<StoredEvent> stored(events.size());
  absl::Status status = pool_->InTenantTransaction(tenant_id, [&](pqxx::work& txn) {
    std::map<std::string, v1::AiEvent> by_key;
    pqxx::result inserted = txn.exec_prepared(
        kInsertBatch, tenant_id, arrays[0], arrays[1], arrays[2], arrays[3], arrays[4], arrays[5],
        arrays[6], arrays[7], arrays[8], arrays[9], arrays[10], arrays[11], arrays[12], arrays[13],
        arrays[14], arrays[15], arrays[16], arrays[17], arrays[18], arrays[19]);
    for (const pqxx::row& row : inserted) {
      v1::AiEvent event = AiEventFromRow(row);
      by_key[event.idempotency_key()] = std::move(event);
    }
    Column missing;
    for (const NewEvent& item : events) {
      if (!by_key.contains(item.idempotency_key)) missing.push_back(item.idempotency_key);
    }
    std::map<std::string, v1::AiEvent> existing;
    if (!missing.empty()) {
      // Conflicts: the rows were committed by other transactions (ON CONFLICT waited for them),
      // so this new statement's snapshot sees them.
      pqxx::result rows = txn.exec_prepared(kFindByKeys, tenant_id, PgArrayLiteral(missing));
      for (const pqxx::row& row : rows) {
        v1::AiEvent event = AiEventFromRow(row);
        existing[event.idempotency_key()] = std::move(event);
      }
    }
    for (size_t i = 0; i < events.size(); ++i) {
      const std::string& key = events[i].idempotency_key;
      auto own = by_key.find(key);
      // The first event of the batch with a key is the one inserted; later ones replay it.
      if (own != by_key.end() && own->second.id() == events[i].id) {
        stored[i] = {own->second, true};
      } else if (own != by_key.end()) {
        stored[i] = {own->second, false};
      } else if (auto it = existing.find(key); it != existing.end()) {
        stored[i] = {it->second, false};
      } else {
        return absl::AbortedError(
            absl::StrCat("idempotency key conflicted but no stored event was found: ", key));
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return stored;
}

v1::AiEvent PgEventStore::UpsertCallEvent(pqxx::work& txn, const std::string& tenant_id,
                                          const NewEvent& event) {
  std::vector<std::optional<std::string>> v = ColumnValues(event);
  pqxx::row row = txn.exec_prepared1(
      kUpsertCall, tenant_id, NullableParam(v[0]), NullableParam(v[1]), NullableParam(v[2]),
      NullableParam(v[3]), NullableParam(v[4]), NullableParam(v[5]), NullableParam(v[6]),
      NullableParam(v[7]), NullableParam(v[8]), NullableParam(v[9]), NullableParam(v[10]),
      NullableParam(v[11]), NullableParam(v[12]), NullableParam(v[13]), NullableParam(v[14]),
      NullableParam(v[15]), NullableParam(v[16]), NullableParam(v[17]), NullableParam(v[18]),
      NullableParam(v[19]));
  return AiEventFromRow(row);
}

}  // namespace aievents::ingest
