#include "common/pg/delivery_row.h"

#include <nlohmann/json.hpp>

#include "common/pg/pg_pool.h"
#include "common/text/proto_enum_names.h"
#include "common/text/text.h"
#include "google/protobuf/util/time_util.h"

namespace aievents {
namespace {

using google::protobuf::util::TimeUtil;

template <typename Enum>
Enum EnumFromName(const std::string& name) {
  const auto* value = FindEnumValueByShortName(google::protobuf::GetEnumDescriptor<Enum>(), name);
  return value == nullptr ? static_cast<Enum>(0) : static_cast<Enum>(value->number());
}

}  // namespace

std::map<std::string, std::string> HeadersFromJson(const std::string& text) {
  std::map<std::string, std::string> headers;
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object()) return headers;
  for (const auto& [key, value] : json.items()) {
    if (value.is_string()) headers[key] = value.get<std::string>();
  }
  return headers;
}

v1::WebhookDelivery DeliveryFromRow(const pqxx::row& row, bool with_body) {
  v1::WebhookDelivery delivery;
  delivery.set_id(row["id"].as<std::string>());
  delivery.set_source_id(row["source_id"].as<std::string>());
  delivery.set_vendor(EnumFromName<v1::WebhookVendor>(row["vendor"].as<std::string>()));
  delivery.set_message_id(row["message_id"].as<std::string>());
  if (auto v = OptionalText(row["event_type"])) delivery.set_event_type(*v);
  delivery.set_status(EnumFromName<v1::DeliveryStatus>(row["status"].as<std::string>()));
  if (auto v = OptionalText(row["error"])) delivery.set_error(*v);
  *delivery.mutable_received_at() =
      TimeUtil::MicrosecondsToTimestamp(row["received_micros"].as<int64_t>());
  if (!row["processed_micros"].is_null()) {
    *delivery.mutable_processed_at() =
        TimeUtil::MicrosecondsToTimestamp(row["processed_micros"].as<int64_t>());
  }
  delivery.set_attempts(row["attempts"].as<int>());
  if (auto v = OptionalText(row["event_id"])) delivery.set_event_id(*v);
  for (const auto& [key, value] : HeadersFromJson(row["headers"].as<std::string>())) {
    (*delivery.mutable_headers())[key] = value;
  }
  if (with_body) delivery.set_body(SanitizeUtf8(pqxx::binarystring(row["body"]).str()));
  return delivery;
}

}  // namespace aievents
