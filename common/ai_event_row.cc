#include "common/ai_event_row.h"

#include <optional>

#include "common/pg_pool.h"
#include "common/proto_enum_names.h"
#include "google/protobuf/util/time_util.h"

namespace aievents {
namespace {

using google::protobuf::util::TimeUtil;

template <typename Enum>
Enum EnumFromShortName(const std::string& name) {
  const auto* value = FindEnumValueByShortName(google::protobuf::GetEnumDescriptor<Enum>(), name);
  return value == nullptr ? static_cast<Enum>(0) : static_cast<Enum>(value->number());
}

}  // namespace

const char kAiEventColumns[] =
    "id::text, customer_id::text, match_method, matched_value, event_type, source, summary,"
    " raw_payload, confidence, source_eid, idempotency_key,"
    " (extract(epoch FROM occurred_at) * 1000000)::bigint,"
    " (extract(epoch FROM received_at) * 1000000)::bigint,"
    " lookup_email, lookup_phone, lookup_first_name, lookup_last_name, lookup_customer_id";

v1::AiEvent AiEventFromRow(const pqxx::row& row) {
  v1::AiEvent event;
  event.set_id(row[0].as<std::string>());
  if (auto customer = OptionalText(row[1])) event.set_customer_id(*customer);
  event.set_match_method(EnumFromShortName<v1::MatchMethod>(row[2].as<std::string>()));
  if (auto matched = OptionalText(row[3])) event.set_matched_value(*matched);
  event.set_event_type(EnumFromShortName<v1::EventType>(row[4].as<std::string>()));
  event.set_source(row[5].as<std::string>());
  event.set_summary(row[6].as<std::string>());
  event.set_raw_payload(row[7].as<std::string>());
  if (!row[8].is_null()) event.set_confidence(row[8].as<double>());
  if (auto eid = OptionalText(row[9])) event.set_source_eid(*eid);
  event.set_idempotency_key(row[10].as<std::string>());
  *event.mutable_occurred_at() = TimeUtil::MicrosecondsToTimestamp(row[11].as<int64_t>());
  *event.mutable_received_at() = TimeUtil::MicrosecondsToTimestamp(row[12].as<int64_t>());
  auto* lookup = event.mutable_customer_lookup();
  if (auto v = OptionalText(row[13])) lookup->set_email(*v);
  if (auto v = OptionalText(row[14])) lookup->set_phone(*v);
  if (auto v = OptionalText(row[15])) lookup->set_first_name(*v);
  if (auto v = OptionalText(row[16])) lookup->set_last_name(*v);
  if (auto v = OptionalText(row[17])) lookup->set_customer_id(*v);
  return event;
}

}  // namespace aievents
