#include "common/pg/ai_event_row.h"

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

// Builds the event from `column(i)`: the text of column i of kAiEventColumns, or nullopt for
// NULL. One reader for both database layers, so they cannot disagree.
template <typename Column>
v1::AiEvent EventFromColumns(const Column& column) {
  auto text = [&](int i) { return std::string(column(i).value_or("")); };
  v1::AiEvent event;
  event.set_id(text(0));
  if (auto customer = column(1)) event.set_customer_id(std::string(*customer));
  event.set_match_method(EnumFromShortName<v1::MatchMethod>(text(2)));
  if (auto matched = column(3)) event.set_matched_value(std::string(*matched));
  event.set_event_type(EnumFromShortName<v1::EventType>(text(4)));
  event.set_source(text(5));
  event.set_summary(text(6));
  event.set_raw_payload(text(7));
  if (auto confidence = column(8)) {
    double value = 0;
    if (absl::SimpleAtod(absl::string_view(confidence->data(), confidence->size()), &value)) {
      event.set_confidence(value);
    }
  }
  if (auto eid = column(9)) event.set_source_eid(std::string(*eid));
  event.set_idempotency_key(text(10));
  *event.mutable_occurred_at() = TimeUtil::MicrosecondsToTimestamp(Int64(text(11)));
  *event.mutable_received_at() = TimeUtil::MicrosecondsToTimestamp(Int64(text(12)));
  auto* lookup = event.mutable_customer_lookup();
  if (auto v = column(13)) lookup->set_email(std::string(*v));
  if (auto v = column(14)) lookup->set_phone(std::string(*v));
  if (auto v = column(15)) lookup->set_first_name(std::string(*v));
  if (auto v = column(16)) lookup->set_last_name(std::string(*v));
  if (auto v = column(17)) lookup->set_customer_id(std::string(*v));
  return event;
}

}  // namespace

const char kAiEventColumns[] =
    "id::text, customer_id::text, match_method, matched_value, event_type, source, summary,"
    " raw_payload, confidence, source_eid, idempotency_key,"
    " (extract(epoch FROM occurred_at) * 1000000)::bigint,"
    " (extract(epoch FROM received_at) * 1000000)::bigint,"
    " lookup_email, lookup_phone, lookup_first_name, lookup_last_name, lookup_customer_id";

v1::AiEvent AiEventFromRow(const pqxx::row& row) {
  return EventFromColumns([&](int i) -> std::optional<std::string_view> {
    if (row[i].is_null()) return std::nullopt;
    return std::string_view(row[i].c_str(), row[i].size());
  });
}

v1::AiEvent AiEventFromRow(const PgRows& rows, int row) {
  return EventFromColumns([&](int i) -> std::optional<std::string_view> {
    if (rows.IsNull(row, i)) return std::nullopt;
    return rows.Text(row, i);
  });
}

namespace {

constexpr char kEventById[] = "ai_event_by_id";
constexpr char kEventHistory[] = "ai_event_history";

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
  static const std::string* by_id = new std::string(
      absl::StrCat("SELECT ", kAiEventColumns, " FROM ai_events WHERE tenant_id = $1 AND id = $2"));
  return {
      {kEventById, by_id->c_str()},
      {kEventHistory,
       "SELECT id::text AS id, from_customer_id::text AS from_customer_id,"
       " to_customer_id::text AS to_customer_id, method, actor_key_id::text AS actor_key_id,"
       " actor, (extract(epoch FROM created_at) * 1000000)::bigint AS created_micros"
       " FROM ai_event_associations WHERE tenant_id = $1 AND event_id = $2"
       " ORDER BY created_at, id"},
  };
}

std::optional<v1::AiEvent> ReadEventWithHistory(pqxx::work& txn, const std::string& tenant_id,
                                                const std::string& id) {
  pqxx::result rows = txn.exec_prepared(kEventById, tenant_id, id);
  if (rows.empty()) return std::nullopt;
  v1::AiEvent event = AiEventFromRow(rows[0]);
  for (const pqxx::row& row : txn.exec_prepared(kEventHistory, tenant_id, id)) {
    *event.add_associations() = AssociationFromRow(row);
  }
  return event;
}

}  // namespace aievents
