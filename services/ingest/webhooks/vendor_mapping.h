// Turning one vendor delivery into what aievents keeps: its identity (message id, event type),
// and then either a contribution to a call's single AI event, a standalone AI event, or
// nothing (an event type aievents does not use). One implementation per vendor
// (agntix_mapping.cc, whippy_mapping.cc, sipgate_mapping.cc); docs/vendors/*.md describe them.
#ifndef AIEVENTS_SERVICES_INGEST_WEBHOOKS_VENDOR_MAPPING_H_
#define AIEVENTS_SERVICES_INGEST_WEBHOOKS_VENDOR_MAPPING_H_

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "aievents/v1/ingest_service.pb.h"
#include "aievents/v1/webhook_service.pb.h"

namespace aievents::ingest {

// Who a delivery is: unique per source (redeliveries share it) and its vendor event type.
struct DeliveryIdentity {
  std::string message_id;
  std::string event_type;
};

// What one delivery says about a call. Every field is optional: a later lifecycle stage fills
// in what an earlier one did not know. `rank` orders the stages (created < ended < analyzed);
// merging applies contributions in (rank, received, message id) order, so the result does not
// depend on the order deliveries arrive in.
struct CallContribution {
  std::string call_id;
  int rank = 0;
  absl::Time received_at;
  std::string message_id;
  std::string delivery_id;
  std::string event_type;

  std::optional<std::string> channel;    // "voice" or "chat"
  std::optional<std::string> direction;  // "inbound" or "outbound"
  std::optional<std::string> customer_phone;
  std::optional<std::string> customer_email;
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::optional<std::string> customer_id;  // a UUID the vendor echoes back (ours)
  std::optional<absl::Time> started_at;
  std::optional<absl::Time> ended_at;
  std::optional<double> duration_seconds;
  std::optional<std::string> status;
  std::optional<std::string> summary;
  std::optional<std::string> sentiment;
  std::optional<std::string> recording_url;
  std::optional<double> confidence;
  std::optional<nlohmann::ordered_json> analysis;
  std::optional<std::string> transcript;  // a complete transcript (replaces earlier ones)
  std::optional<std::string> turn;        // one transcript line, appended in arrival order
  bool starts_call = false;  // the vendor's "call started" event (its arrival time is the start)
  bool ends_call = false;    // the vendor's "call ended" event
};

struct MappedDelivery {
  enum class Kind { kCall, kStandalone, kIgnored };
  Kind kind = Kind::kIgnored;
  CallContribution call;              // kCall
  v1::CreateEventRequest standalone;  // kStandalone (idempotency key set)
  std::string ignored_reason;         // kIgnored
};

// Reads the identity of a JSON delivery. INVALID_ARGUMENT when the body lacks what identifies
// the vendor's message (its type, and its call/session id): such a delivery is malformed.
absl::StatusOr<DeliveryIdentity> IdentifyDelivery(v1::WebhookVendor vendor,
                                                  const nlohmann::json& body,
                                                  const std::map<std::string, std::string>& headers,
                                                  const std::string& raw_body);

// Maps a delivery whose identity is known. INVALID_ARGUMENT when a field it needs is unusable.
absl::StatusOr<MappedDelivery> MapDelivery(v1::WebhookVendor vendor, const nlohmann::json& body,
                                           const DeliveryIdentity& identity,
                                           const std::string& delivery_id, absl::Time received_at);

// Per vendor (used by the two functions above).
absl::StatusOr<DeliveryIdentity> IdentifyAgntix(const nlohmann::json& body,
                                                const std::map<std::string, std::string>& headers);
absl::StatusOr<MappedDelivery> MapAgntix(const nlohmann::json& body, const DeliveryIdentity& id);
absl::StatusOr<DeliveryIdentity> IdentifyWhippy(const nlohmann::json& body);
absl::StatusOr<MappedDelivery> MapWhippy(const nlohmann::json& body, const DeliveryIdentity& id);
absl::StatusOr<DeliveryIdentity> IdentifySipgate(const nlohmann::json& body,
                                                 const std::string& raw_body);
absl::StatusOr<MappedDelivery> MapSipgate(const nlohmann::json& body, const DeliveryIdentity& id,
                                          absl::Time received_at);

// "agntix" for WEBHOOK_VENDOR_AGNTIX, as in URLs and the `source` of the AI events.
std::string VendorName(v1::WebhookVendor vendor);

// The key a call's single AI event is stored under: "webhook:<vendor>:<call id>".
std::string CallKey(v1::WebhookVendor vendor, const std::string& call_id);

// Splits "Alex Morgan" into first and last name (first word, the rest); nullopt for one word.
std::optional<std::pair<std::string, std::string>> SplitFullName(const std::string& name);

// Parses a vendor timestamp (RFC 3339); nullopt when absent or unparseable.
std::optional<absl::Time> VendorTime(const std::optional<std::string>& text);

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_WEBHOOKS_VENDOR_MAPPING_H_
