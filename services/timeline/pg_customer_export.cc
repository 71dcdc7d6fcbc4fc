#include "services/timeline/pg_customer_export.h"

#include <map>
#include <optional>
#include <utility>

#include "common/audit/audit_trail.h"
#include "common/pg/ai_event_row.h"
#include "common/pg/delivery_row.h"
#include "common/status/status_details.h"
#include "common/text/ids.h"
#include "google/protobuf/util/time_util.h"

namespace aievents::timeline {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kCustomer[] = "export_customer";
constexpr char kMatchedFirst[] = "export_matched_first";
constexpr char kMatchedAfter[] = "export_matched_after";
constexpr char kByEmail[] = "export_unmatched_by_email";
constexpr char kByPhone[] = "export_unmatched_by_phone";
constexpr char kDeliveries[] = "export_deliveries";

// The phases of an export, in order, with the `reason` each event of it carries.
enum Phase { kMatched = 0, kEmail = 1, kPhone = 2, kPhases = 3 };
constexpr const char* kReasons[] = {"matched", "email", "phone"};

constexpr char kNoId[] = "00000000-0000-0000-0000-000000000000";

v1::Customer CustomerFromRow(const pqxx::row& row) {
  v1::Customer customer;
  customer.set_id(row["id"].as<std::string>());
  auto set = [&row](const char* column, std::string* (v1::Customer::*field)(),
                    v1::Customer& target) {
    if (auto value = OptionalText(row[column])) *(target.*field)() = *value;
  };
  set("email", &v1::Customer::mutable_email, customer);
  set("phone", &v1::Customer::mutable_phone, customer);
  set("first_name", &v1::Customer::mutable_first_name, customer);
  set("last_name", &v1::Customer::mutable_last_name, customer);
  set("email_normalized", &v1::Customer::mutable_email_normalized, customer);
  set("phone_e164", &v1::Customer::mutable_phone_e164, customer);
  set("name_normalized", &v1::Customer::mutable_name_normalized, customer);
  *customer.mutable_created_at() =
      TimeUtil::MicrosecondsToTimestamp(row["created_micros"].as<int64_t>());
  return customer;
}

}  // namespace

struct PgCustomerExport::Cursor {
  bool started = false;
  std::string position;  // occurred_at as PostgreSQL printed it (matched phase)
  std::string id = kNoId;
};

PgCustomerExport::PgCustomerExport(PgPool* pool, int part_size)
    : pool_(pool), part_size_(part_size) {
  pool->Register(Statements());
}

std::vector<PgStatement> PgCustomerExport::Statements() {
  std::vector<PgStatement> statements = EventWithHistoryStatements();
  for (PgStatement& audit : AuditStatements()) statements.push_back(audit);
  statements.push_back(
      {kCustomer,
       "SELECT id::text AS id, email, phone, first_name, last_name, email_normalized,"
       " phone_e164, name_normalized,"
       " (extract(epoch FROM created_at) * 1000000)::bigint AS created_micros"
       " FROM customers WHERE tenant_id = $1 AND id = $2"});
  // The customer's events in timeline order, on the timeline's index; the position is
  // occurred_at as text, which reads back as the same instant.
  statements.push_back({kMatchedFirst,
                        "SELECT id::text AS id, occurred_at::text AS position FROM ai_events"
                        " WHERE tenant_id = $1 AND customer_id = $2"
                        " ORDER BY occurred_at DESC, ai_events.id DESC LIMIT $3"});
  statements.push_back({kMatchedAfter,
                        "SELECT id::text AS id, occurred_at::text AS position FROM ai_events"
                        " WHERE tenant_id = $1 AND customer_id = $2"
                        " AND (occurred_at, id) < ($3::timestamptz, $4::uuid)"
                        " ORDER BY occurred_at DESC, ai_events.id DESC LIMIT $5"});
  // Unmatched events that would have matched them (what an erasure removes with them), on
  // the unmatched-lookup indexes. An event carrying both identifiers comes with the email.
  statements.push_back({kByEmail,
                        "SELECT id::text AS id, '' AS position FROM ai_events"
                        " WHERE tenant_id = $1 AND customer_id IS NULL"
                        " AND lookup_email_normalized = $2 AND id > $3::uuid"
                        " ORDER BY ai_events.id LIMIT $4"});
  statements.push_back({kByPhone,
                        "SELECT id::text AS id, '' AS position FROM ai_events"
                        " WHERE tenant_id = $1 AND customer_id IS NULL"
                        " AND lookup_phone_e164 = $2"
                        " AND ($3::text IS NULL OR lookup_email_normalized IS DISTINCT FROM $3)"
                        " AND id > $4::uuid ORDER BY ai_events.id LIMIT $5"});
  // Every delivery of the calls behind these events (a call's deliveries are merged into one
  // event, and only the one that completed it names the event).
  statements.push_back({kDeliveries,
                        "SELECT " AIEVENTS_DELIVERY_COLUMNS ", body FROM webhook_deliveries"
                        " WHERE tenant_id = $1 AND (event_id = ANY ($2::uuid[]) OR call_key IN ("
                        "   SELECT call_key FROM webhook_deliveries WHERE tenant_id = $1"
                        "    AND event_id = ANY ($2::uuid[]) AND call_key IS NOT NULL))"
                        " ORDER BY received_at, webhook_deliveries.id"});
  return statements;
}

absl::Status PgCustomerExport::Export(
    const RequestContext& caller, const std::string& customer_id,
    const std::function<bool(const v1::CustomerExportPart&)>& write) {
  if (!IsUuid(customer_id)) {
    return InvalidArgumentWithViolations({{"customer_id", "must be a UUID"}});
  }
  absl::StatusOr<v1::Customer> customer = StartExport(caller, customer_id);
  if (!customer.ok()) return customer.status();
  v1::CustomerExportPart head;
  *head.mutable_customer() = *customer;
  *head.mutable_export_time() = TimeUtil::GetCurrentTime();
  if (!write(head)) return absl::OkStatus();
  for (int phase = kMatched; phase < kPhases; ++phase) {
    if (phase == kEmail && !customer->has_email_normalized()) continue;
    if (phase == kPhone && !customer->has_phone_e164()) continue;
    Cursor cursor;
    while (true) {
      absl::StatusOr<v1::CustomerExportPart> part = NextPart(caller, *customer, phase, cursor);
      if (!part.ok()) return part.status();
      if (part->ai_events().empty()) break;
      if (!write(*part)) return absl::OkStatus();
      if (part->ai_events_size() < part_size_) break;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Customer> PgCustomerExport::StartExport(const RequestContext& caller,
                                                           const std::string& customer_id) {
  return pool_->InTenantTransaction<v1::Customer>(
      caller.tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<v1::Customer> {
        pqxx::result rows = Exec(txn, kCustomer, caller.tenant_id, customer_id);
        if (rows.empty()) return absl::NotFoundError("no such customer");
        // The fact only: who exported whom, and when (the trail holds no personal data).
        AppendAudit(txn, caller, {"customer.exported", "customer", customer_id, {}, {}});
        return CustomerFromRow(rows[0]);
      });
}

absl::StatusOr<v1::CustomerExportPart> PgCustomerExport::NextPart(const RequestContext& caller,
                                                                  const v1::Customer& customer,
                                                                  int phase, Cursor& cursor) {
  const std::string& tenant = caller.tenant_id;
  return pool_->InTenantTransaction<v1::CustomerExportPart>(
      tenant, [&](pqxx::work& txn) -> absl::StatusOr<v1::CustomerExportPart> {
        pqxx::result rows;
        if (phase == kMatched && !cursor.started) {
          rows = Exec(txn, kMatchedFirst, tenant, customer.id(), part_size_);
        } else if (phase == kMatched) {
          rows = Exec(txn, kMatchedAfter, tenant, customer.id(), cursor.position, cursor.id,
                      part_size_);
        } else if (phase == kEmail) {
          rows = Exec(txn, kByEmail, tenant, customer.email_normalized(), cursor.id, part_size_);
        } else {
          rows = Exec(txn, kByPhone, tenant, customer.phone_e164(),
                      NullableParam(
                          OptionalIf(customer.has_email_normalized(), customer.email_normalized())),
                      cursor.id, part_size_);
        }
        v1::CustomerExportPart part;
        if (rows.empty()) return part;
        std::vector<std::string> ids;
        std::vector<std::optional<std::string>> id_params;
        for (const pqxx::row& row : rows) {
          ids.push_back(row["id"].as<std::string>());
          id_params.emplace_back(ids.back());
        }
        cursor.started = true;
        cursor.id = ids.back();
        cursor.position = rows.back()["position"].as<std::string>();

        std::map<std::string, int> index_of;  // event id -> its place in the part
        for (const std::string& id : ids) {
          index_of.emplace(id, part.ai_events_size());
          part.add_ai_events()->set_reason(kReasons[phase]);
        }
        for (v1::AiEvent& event : ReadEventsWithHistory(txn, tenant, ids)) {
          auto place = index_of.find(event.id());
          if (place != index_of.end()) {
            *part.mutable_ai_events(place->second)->mutable_ai_event() = std::move(event);
          }
        }
        // A delivery belongs to the event it names, or to the event its call became.
        std::vector<std::pair<v1::WebhookDelivery, std::string>> deliveries;  // with call key
        std::map<std::string, std::string> event_of_call;
        for (const pqxx::row& row : Exec(txn, kDeliveries, tenant, PgArrayLiteral(id_params))) {
          v1::WebhookDelivery delivery = DeliveryFromRow(row, /*with_body=*/true);
          std::string call_key = row["call_key"].as<std::string>();
          if (!call_key.empty() && delivery.has_event_id()) {
            event_of_call.emplace(call_key, delivery.event_id());
          }
          deliveries.emplace_back(std::move(delivery), std::move(call_key));
        }
        for (auto& [delivery, call_key] : deliveries) {
          std::string event_id = delivery.has_event_id() ? delivery.event_id() : "";
          if (auto call = event_of_call.find(call_key);
              event_id.empty() && call != event_of_call.end()) {
            event_id = call->second;
          }
          auto place = index_of.find(event_id);
          if (place == index_of.end()) continue;
          *part.mutable_ai_events(place->second)->add_webhook_deliveries() = std::move(delivery);
        }
        return part;
      });
}

}  // namespace aievents::timeline
