// How a vendor webhook delivery is read back from the webhook_deliveries table: the select
// list and the conversion of one row to the proto. Shared by the inbox's owner (ingest) and the
// customer export (timeline), so both show a delivery the same way.
#ifndef AIEVENTS_COMMON_PG_DELIVERY_ROW_H_
#define AIEVENTS_COMMON_PG_DELIVERY_ROW_H_

#include <map>
#include <pqxx/pqxx>
#include <string>

#include "aievents/v1/webhook_service.pb.h"

// The columns DeliveryFromRow reads, by name; without the body (lists never carry it). A
// macro so statements can be assembled at compile time. A statement that selects it and orders
// by id writes webhook_deliveries.id: the bare name means the text column named here.
#define AIEVENTS_DELIVERY_COLUMNS                                                         \
  "id::text AS id, source_id::text AS source_id, vendor, message_id, event_type, status," \
  " error, (extract(epoch FROM received_at) * 1000000)::bigint AS received_micros,"       \
  " (extract(epoch FROM processed_at) * 1000000)::bigint AS processed_micros, attempts,"  \
  " event_id::text AS event_id, headers::text AS headers,"                                \
  " coalesce(call_key, '') AS call_key"

namespace aievents {

// The stored headers (a JSON object of strings); anything else reads as none.
std::map<std::string, std::string> HeadersFromJson(const std::string& text);

// Converts a row selected with AIEVENTS_DELIVERY_COLUMNS. `with_body`: the row also has the
// `body` column, shown as text (bytes that are not UTF-8 as U+FFFD).
v1::WebhookDelivery DeliveryFromRow(const pqxx::row& row, bool with_body = false);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_PG_DELIVERY_ROW_H_
