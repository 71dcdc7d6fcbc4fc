// Agntix (delivered through Svix): session.created and session.ended, one flat JSON object per
// delivery; the top-level id is the session. Field names from the vendor's reference; the
// analysis block is read tolerantly (each part is optional, some inner names unconfirmed).
#include "common/text/ids.h"
#include "common/text/text.h"
#include "services/ingest/webhooks/json_fields.h"
#include "services/ingest/webhooks/vendor_mapping.h"

namespace aievents::ingest {
namespace {

int AgntixStageRank(const std::string& event_type) {
  if (event_type == "session.created") return 1;
  if (event_type == "session.ended") return 2;
  return 0;  // not a call lifecycle event aievents uses
}

}  // namespace

absl::StatusOr<DeliveryIdentity> IdentifyAgntix(const nlohmann::json& body,
                                                const std::map<std::string, std::string>& headers) {
  std::optional<std::string> id = Text(body, {"id"});
  std::optional<std::string> type = Text(body, {"eventType"});
  if (!type) return absl::InvalidArgumentError("Agntix delivery without eventType");
  if (!id) return absl::InvalidArgumentError("Agntix delivery without id");
  // Svix's message id is the same on every retry of a message; without it (an unsigned
  // delivery) the session id and event type identify the message.
  for (const char* header : {"webhook-id", "svix-id"}) {
    if (auto it = headers.find(header); it != headers.end() && !it->second.empty()) {
      return DeliveryIdentity{it->second, *type};
    }
  }
  return DeliveryIdentity{*id + ":" + *type, *type};
}

absl::StatusOr<MappedDelivery> MapAgntix(const nlohmann::json& body, const DeliveryIdentity& id) {
  MappedDelivery mapped;
  int rank = AgntixStageRank(id.event_type);
  if (rank == 0) {
    mapped.kind = MappedDelivery::Kind::kIgnored;
    mapped.ignored_reason = "Agntix event type " + id.event_type + " is not used";
    return mapped;
  }
  // The identity may come from another version of this mapper: the body must still name it.
  std::optional<std::string> session_id = Text(body, {"id"});
  if (!session_id) return absl::InvalidArgumentError("Agntix delivery without id");
  mapped.kind = MappedDelivery::Kind::kCall;
  CallContribution& call = mapped.call;
  call.call_id = *session_id;
  call.rank = rank;
  call.starts_call = rank == 1;
  call.ends_call = rank == 2;
  if (auto type = Text(body, {"type"}))
    call.channel = ToLowerAscii(*type) == "chat" ? "chat" : "voice";
  if (auto direction = Text(body, {"direction"})) call.direction = ToLowerAscii(*direction);
  call.status = Text(body, {"state"});
  call.customer_phone = Text(body, {"metadata", "customerPhoneNumber"});
  call.started_at = VendorTime(Text(body, {"createdAt"}));
  call.ended_at = VendorTime(Text(body, {"endedAt"}));
  if (call.started_at && call.ended_at) {
    call.duration_seconds = absl::ToDoubleSeconds(*call.ended_at - *call.started_at);
  }
  // Session variables are echoed verbatim: the CRM ids and contact data the caller passed.
  const nlohmann::json* variables = At(body, {"metadata", "sessionVariables"});
  if (variables != nullptr && variables->is_object()) {
    for (const char* key : {"crmContactId", "customerId", "customer_id", "aieventsCustomerId"}) {
      if (auto value = Text(*variables, {key}); value && IsUuid(*value)) {
        call.customer_id = ToLowerAscii(*value);
        break;
      }
    }
    for (const char* key : {"email", "customerEmail", "customer_email"}) {
      if (auto value = Text(*variables, {key})) {
        call.customer_email = value;
        break;
      }
    }
    call.first_name = Text(*variables, {"firstName"});
    call.last_name = Text(*variables, {"lastName"});
    if (!call.first_name && !call.last_name) {
      for (const char* key : {"customerName", "name", "fullName"}) {
        if (auto value = Text(*variables, {key})) {
          if (auto parts = SplitFullName(*value)) {
            call.first_name = parts->first;
            call.last_name = parts->second;
          }
          break;
        }
      }
    }
  }
  if (const nlohmann::json* analysis = At(body, {"analysis"}); analysis && analysis->is_object()) {
    call.summary = Text(*analysis, {"summary"});
    call.sentiment = Text(*analysis, {"sentiment", "conversation", "sentiment"});
    if (!call.sentiment) call.sentiment = Text(*analysis, {"sentiment", "sentiment"});
    if (!call.sentiment) call.sentiment = Text(*analysis, {"sentiment"});
    for (const char* key : {"recordingUrl", "recording_url", "recordingLink", "recording"}) {
      if (auto url = Text(*analysis, {key})) {
        call.recording_url = url;
        break;
      }
    }
    std::optional<double> confidence = Number(*analysis, {"intent", "conversation", "confidence"});
    if (!confidence) confidence = Number(*analysis, {"resolution", "confidenceScore"});
    if (confidence && *confidence >= 0 && *confidence <= 1) call.confidence = confidence;
    nlohmann::ordered_json kept = nlohmann::ordered_json::object();
    if (auto intent = Text(*analysis, {"intent", "conversation", "intent"}))
      kept["intent"] = *intent;
    if (auto resolution = Text(*analysis, {"resolution", "classification"})) {
      kept["resolution"] = *resolution;
    }
    if (auto score = Number(*analysis, {"sentiment", "conversation", "score"})) {
      kept["sentiment_score"] = *score;
    }
    if (const nlohmann::json* items = At(*analysis, {"resolution", "satisfiedChecklistItems"})) {
      kept["satisfied_checklist_items"] = *items;
    }
    if (const nlohmann::json* extracted = At(*analysis, {"extractedData"})) {
      kept["extracted_data"] = *extracted;
    }
    if (!kept.empty()) call.analysis = kept;
  }
  return mapped;
}

}  // namespace aievents::ingest
