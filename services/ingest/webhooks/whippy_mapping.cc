// Whippy call webhooks: call.started, call.ended, call.analyzed in an envelope
// {data, event, request_id, api_version, created_at}; data.id is the call.
#include "common/text/text.h"
#include "services/ingest/webhooks/json_fields.h"
#include "services/ingest/webhooks/vendor_mapping.h"

namespace aievents::ingest {
namespace {

int WhippyStageRank(const std::string& event_type) {
  if (event_type == "call.started") return 1;
  if (event_type == "call.ended") return 2;
  if (event_type == "call.analyzed") return 3;
  return 0;
}

// Whippy's placeholders are "field||fallback" keys ("last_name||sir": "Hessel").
std::optional<std::string> Placeholder(const nlohmann::json& placeholders,
                                       const std::string& field) {
  if (!placeholders.is_object()) return std::nullopt;
  for (const auto& [key, value] : placeholders.items()) {
    if (key.substr(0, key.find("||")) == field && value.is_string() &&
        !value.get<std::string>().empty()) {
      return value.get<std::string>();
    }
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<DeliveryIdentity> IdentifyWhippy(const nlohmann::json& body) {
  std::optional<std::string> type = Text(body, {"event"});
  if (!type) return absl::InvalidArgumentError("Whippy delivery without event");
  std::optional<std::string> call_id = Text(body, {"data", "id"});
  if (!call_id && WhippyStageRank(*type) > 0) {
    return absl::InvalidArgumentError("Whippy call delivery without data.id");
  }
  // request_id is the message; retries repeat it.
  if (auto request_id = Text(body, {"request_id"})) return DeliveryIdentity{*request_id, *type};
  return DeliveryIdentity{call_id.value_or("none") + ":" + *type, *type};
}

absl::StatusOr<MappedDelivery> MapWhippy(const nlohmann::json& body, const DeliveryIdentity& id) {
  MappedDelivery mapped;
  int rank = WhippyStageRank(id.event_type);
  if (rank == 0) {
    mapped.kind = MappedDelivery::Kind::kIgnored;
    mapped.ignored_reason = "Whippy event type " + id.event_type + " is not used";
    return mapped;
  }
  // The identity may come from another version of this mapper: the body must still name it.
  std::optional<std::string> call_id = Text(body, {"data", "id"});
  if (!call_id) return absl::InvalidArgumentError("Whippy call delivery without data.id");
  const nlohmann::json& data = *At(body, {"data"});
  mapped.kind = MappedDelivery::Kind::kCall;
  CallContribution& call = mapped.call;
  call.call_id = *call_id;
  call.rank = rank;
  call.starts_call = rank == 1;
  call.ends_call = rank >= 2;
  call.channel = "voice";  // Whippy's call webhooks are voice calls (data.type "call")
  if (auto direction = Text(data, {"direction"})) call.direction = ToLowerAscii(*direction);
  // The customer is the caller on inbound calls and the callee on outbound ones.
  call.customer_phone = call.direction == "outbound" ? Text(data, {"to"}) : Text(data, {"from"});
  call.status = Text(data, {"delivery_status"});
  call.started_at = VendorTime(Text(data, {"created_at"}));
  if (rank >= 2) call.ended_at = VendorTime(Text(data, {"updated_at"}));
  if (auto duration_ms = Number(data, {"metadata", "duration"})) {
    call.duration_seconds = *duration_ms / 1000.0;
  }
  call.transcript = Text(data, {"body"});
  if (const nlohmann::json* placeholders = At(data, {"metadata", "placeholders_data"})) {
    call.first_name = Placeholder(*placeholders, "first_name");
    call.last_name = Placeholder(*placeholders, "last_name");
    call.customer_email = Placeholder(*placeholders, "email");
  }
  if (const nlohmann::json* attachments = At(data, {"attachments"});
      attachments && attachments->is_array()) {
    for (const auto& attachment : *attachments) {
      std::optional<std::string> content_type = Text(attachment, {"content_type"});
      if (content_type && content_type->rfind("audio/", 0) == 0) {
        call.recording_url = Text(attachment, {"url"});
        break;
      }
    }
  }
  if (const nlohmann::json* analysis = At(data, {"metadata", "analysis"});
      analysis && analysis->is_object()) {
    call.summary = Text(*analysis, {"call_summary"});
    call.sentiment = Text(*analysis, {"user_sentiment"});
    nlohmann::ordered_json kept = nlohmann::ordered_json::object();
    for (const auto& [key, value] : analysis->items()) {
      if (key != "call_summary" && key != "user_sentiment" && !value.is_null()) kept[key] = value;
    }
    // Extracted fields may name the customer.
    for (const char* container : {"custom_analysis_data", "custom_analysis_dat"}) {
      if (const nlohmann::json* extracted = At(*analysis, {container})) {
        if (!call.customer_email) call.customer_email = Text(*extracted, {"email"});
        if (!call.first_name) call.first_name = Text(*extracted, {"first_name"});
        if (!call.last_name) call.last_name = Text(*extracted, {"last_name"});
      }
    }
    if (!kept.empty()) call.analysis = kept;
  }
  return mapped;
}

}  // namespace aievents::ingest
