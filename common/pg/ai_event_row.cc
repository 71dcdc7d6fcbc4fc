#include "common/pg/ai_event_row.h"

#include <map>
#include <optional>
#include <string_view>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/pg/pg_pool.h"
#include "common/text/proto_enum_names.h"
#include "google/protobuf/util/time_util.h"

namespace aievents {
namespace {

using google::protobuf::util::TimeUtil;

template <typename Enum>
Enum EnumFromShortName(std::string_view name) {
  const auto* value =
      FindEnumValueByShortName(google::protobuf::GetEnumDescriptor<Enum>(), std::string(name));
  return value == nullptr ? static_cast<Enum>(0) : static_cast<Enum>(value->number());
}

int64_t Int64(std::string_view text) {
  int64_t value = 0;
  (void)absl::SimpleAtoi(absl::string_view(text.data(), text.size()), &value);
  return value;
}

// Builds the event from `column(name)`: the text of the kAiEventColumns column so named, or
// nullopt for NULL. One reader for both database layers, so they cannot disagree.
template <typename Column>
v1::AiEvent EventFromColumns(const Column& column) {
  auto text = [&](const char* name) { return std::string(column(name).value_or("")); };
  v1::AiEvent event;
  event.set_id(text("id"));
  if (auto customer = column("customer_id")) event.set_customer_id(std::string(*customer));
  event.set_match_method(EnumFromShortName<v1::MatchMethod>(text("match_method")));
  if (auto matched = column("matched_value")) event.set_matched_value(std::string(*matched));
  event.set_event_type(EnumFromShortName<v1::EventType>(text("event_type")));
  event.set_source(text("source"));
  event.set_summary(text("summary"));
  event.set_raw_payload(text("raw_payload"));
  if (auto confidence = column("confidence")) {
    double value = 0;
    if (absl::SimpleAtod(absl::string_view(confidence->data(), confidence->size()), &value)) {
      event.set_confidence(value);
    }
  }
  if (auto eid = column("source_eid")) event.set_source_eid(std::string(*eid));
  event.set_idempotency_key(text("idempotency_key"));
  *event.mutable_occurred_at() = TimeUtil::MicrosecondsToTimestamp(Int64(text("occurred_micros")));
  *event.mutable_received_at() = TimeUtil::MicrosecondsToTimestamp(Int64(text("received_micros")));
  auto* lookup = event.mutable_customer_lookup();
  if (auto v = column("lookup_email")) lookup->set_email(std::string(*v));
  if (auto v = column("lookup_phone")) lookup->set_phone(std::string(*v));
  if (auto v = column("lookup_first_name")) lookup->set_first_name(std::string(*v));
  if (auto v = column("lookup_last_name")) lookup->set_last_name(std::string(*v));
  if (auto v = column("lookup_customer_id")) lookup->set_customer_id(std::string(*v));
  return event;
}

}  // namespace

const char kAiEventColumns[] =
    "id::text AS id, customer_id::text AS customer_id, match_method, matched_value, event_type,"
    " source, summary, raw_payload, confidence, source_eid, idempotency_key,"
    " (extract(epoch FROM occurred_at) * 1000000)::bigint AS occurred_micros,"
    " (extract(epoch FROM received_at) * 1000000)::bigint AS received_micros,"
    " lookup_email, lookup_phone, lookup_first_name, lookup_last_name,"
    " lookup_customer_id";

v1::AiEvent AiEventFromRow(const pqxx::row& row) {
  return EventFromColumns([&](const char* name) -> std::optional<std::string_view> {
    pqxx::field field = row[name];
    if (field.is_null()) return std::nullopt;
    return std::string_view(field.c_str(), field.size());
  });
}

std::vector<v1::AiEvent> AiEventsFromRows(const PgRows& rows) {
  // Each name is looked up once per result, not once per row: lists and replays read many.
  std::map<std::string_view, int> positions;
  auto position = [&](const char* name) {
    auto [it, added] = positions.try_emplace(name, 0);
    if (added) it->second = rows.Column(name);
    return it->second;
  };
  std::vector<v1::AiEvent> events;
  events.reserve(rows.size());
  for (int row = 0; row < rows.size(); ++row) {
    events.push_back(EventFromColumns([&](const char* name) -> std::optional<std::string_view> {
      int column = position(name);
      if (column < 0 || rows.IsNull(row, column)) return std::nullopt;
      return rows.Text(row, column);
    }));
  }
  return events;
}

namespace {

constexpr char kEventById[] = "ai_event_by_id";
constexpr char kEventHistory[] = "ai_event_history";
constexpr char kEventsByIds[] = "ai_events_by_ids";
constexpr char kEventsHistory[] = "ai_events_history";

// The history columns; ai_event_associations.id, not id, orders (the bare name is the text).
constexpr char kHistoryColumns[] =
    "id::text AS id, event_id::text AS event_id, from_customer_id::text AS from_customer_id,"
    " to_customer_id::text AS to_customer_id, method, actor_key_id::text AS actor_key_id,"
    " actor, (extract(epoch FROM created_at) * 1000000)::bigint AS created_micros";

v1::Association AssociationFromRow(const pqxx::row& row) {
  v1::Association association;
  association.set_id(row["id"].as<std::string>());
  if (!row["from_customer_id"].is_null()) {
    association.set_from_customer_id(row["from_customer_id"].as<std::string>());
  }
  association.set_to_customer_id(row["to_customer_id"].as<std::string>());
  association.set_method(row["method"].as<std::string>() == "manual" ? v1::MATCH_METHOD_MANUAL
                                                                     : v1::MATCH_METHOD_AUTO);
  if (!row["actor_key_id"].is_null()) {
    association.set_actor_key_id(row["actor_key_id"].as<std::string>());
  }
  association.set_actor(row["actor"].as<std::string>());
  *association.mutable_created_at() =
      TimeUtil::MicrosecondsToTimestamp(row["created_micros"].as<int64_t>());
  return association;
}

}  // namespace

std::vector<PgStatement> EventWithHistoryStatements() {
  static const auto* texts = new std::vector<std::string>{
      absl::StrCat("SELECT ", kAiEventColumns, " FROM ai_events WHERE tenant_id = $1 AND id = $2"),
      absl::StrCat("SELECT ", kHistoryColumns,
                   " FROM ai_event_associations WHERE tenant_id = $1 AND event_id = $2"
                   " ORDER BY created_at, ai_event_associations.id"),
      absl::StrCat("SELECT ", kAiEventColumns,
                   " FROM ai_events WHERE tenant_id = $1 AND id = ANY ($2::uuid[])"),
      absl::StrCat(
          "SELECT ", kHistoryColumns,
          " FROM ai_event_associations WHERE tenant_id = $1 AND event_id = ANY ($2::uuid[])"
          " ORDER BY created_at, ai_event_associations.id"),
  };
  return {{kEventById, (*texts)[0].c_str()},
          {kEventHistory, (*texts)[1].c_str()},
          {kEventsByIds, (*texts)[2].c_str()},
          {kEventsHistory, (*texts)[3].c_str()}};
}

std::optional<v1::AiEvent> ReadEventWithHistory(pqxx::work& txn, const std::string& tenant_id,
                                                const std::string& id) {
  pqxx::result rows = Exec(txn, kEventById, tenant_id, id);
  if (rows.empty()) return std::nullopt;
  v1::AiEvent event = AiEventFromRow(rows[0]);
  for (const pqxx::row& row : Exec(txn, kEventHistory, tenant_id, id)) {
    *event.add_associations() = AssociationFromRow(row);
  }
  return event;
}

std::vector<v1::AiEvent> ReadEventsWithHistory(pqxx::work& txn, const std::string& tenant_id,
                                               const std::vector<std::string>& ids) {
  std::vector<std::optional<std::string>> values(ids.begin(), ids.end());
  std::string id_array = PgArrayLiteral(values);
  std::vector<v1::AiEvent> events;
  std::map<std::string, size_t> position;  // event id -> index in events
  for (const pqxx::row& row : Exec(txn, kEventsByIds, tenant_id, id_array)) {
    events.push_back(AiEventFromRow(row));
    position[events.back().id()] = events.size() - 1;
  }
  for (const pqxx::row& row : Exec(txn, kEventsHistory, tenant_id, id_array)) {
    auto found = position.find(row["event_id"].as<std::string>());
    if (found != position.end())
      *events[found->second].add_associations() = AssociationFromRow(row);
  }
  return events;
}

}  // namespace aievents
