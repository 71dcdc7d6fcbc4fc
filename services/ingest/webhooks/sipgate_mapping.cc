// sipgate AI Flow: real-time call events, each with a `type` and a `session` object. Events
// carry no message id and no timestamp, so a delivery is identified by a digest of its bytes
// (a retry is byte-identical) and times come from when deliveries were received.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/text/crypto.h"
#include "common/text/text.h"
#include "services/ingest/webhooks/call_merger.h"
#include "services/ingest/webhooks/json_fields.h"
#include "services/ingest/webhooks/vendor_mapping.h"

namespace aievents::ingest {
namespace {

int SipgateStageRank(const std::string& type) {
  if (type == "session_start") return 1;
  if (type == "user_speak" || type == "assistant_speak" || type == "dtmf_received" ||
      type == "user_input_timeout" || type == "assistant_speech_ended" ||
      type == "user_speech_started") {
    return 2;
  }
  if (type == "session_end") return 3;
  return 0;
}

// The words of one turn; field names read tolerantly (the seed does not show them).
std::optional<std::string> TurnText(const nlohmann::json& body) {
  for (const char* key : {"text", "transcript", "message", "content"}) {
    if (auto text = Text(body, {key})) return text;
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<DeliveryIdentity> IdentifySipgate(const nlohmann::json& body,
                                                 const std::string& raw_body) {
  std::optional<std::string> type = Text(body, {"type"});
  if (!type) return absl::InvalidArgumentError("sipgate delivery without type");
  if (!Text(body, {"session", "id"})) {
    return absl::InvalidArgumentError("sipgate delivery without session.id");
  }
  return DeliveryIdentity{"sha256:" + Sha256Hex(raw_body), *type};
}

absl::StatusOr<MappedDelivery> MapSipgate(const nlohmann::json& body, const DeliveryIdentity& id,
                                          absl::Time received_at) {
  MappedDelivery mapped;
  // The identity may come from another version of this mapper: the body must still name it.
  std::optional<std::string> found_id = Text(body, {"session", "id"});
  if (!found_id) return absl::InvalidArgumentError("sipgate delivery without session.id");
  const std::string session_id = *found_id;
  const nlohmann::json& session = *At(body, {"session"});
  std::optional<std::string> direction = Text(session, {"direction"});
  if (direction) direction = ToLowerAscii(*direction);
  // The customer's number: the caller on inbound calls, the callee on outbound ones.
  std::optional<std::string> customer_phone = direction == "outbound"
                                                  ? Text(session, {"to_phone_number"})
                                                  : Text(session, {"from_phone_number"});

  if (id.event_type == "sms_failed") {
    // A failed SMS is an event of its own, about the SMS's recipient.
    mapped.kind = MappedDelivery::Kind::kStandalone;
    v1::CreateEventRequest& request = mapped.standalone;
    std::optional<std::string> recipient = Text(body, {"recipient"});
    if (recipient) request.mutable_customer_lookup()->set_phone(*recipient);
    auto* event = request.mutable_ai_event();
    event->set_event_type(v1::EVENT_TYPE_SMS);
    event->set_source("sipgate");
    std::string summary = absl::StrCat("SMS to ", recipient.value_or("unknown recipient"),
                                       " failed: ", Text(body, {"reason"}).value_or("unknown"));
    if (auto message = Text(body, {"message"})) absl::StrAppend(&summary, " (", *message, ")");
    // The vendor's texts have no limits; the event's summary has.
    event->set_summary(StorableText(summary, kMaxSummaryChars));
    // The payload has a limit too: its texts are cut shorter until it fits (escapes count).
    for (size_t limit = 2000;; limit /= 2) {
      nlohmann::ordered_json payload = {
          {"vendor", "sipgate"},
          {"type", "sms_failed"},
          {"session_id", CutText(session_id, limit)},
          {"recipient", CutText(recipient.value_or(""), limit)},
          {"reason", CutText(Text(body, {"reason"}).value_or(""), limit)},
          {"message", CutText(Text(body, {"message"}).value_or(""), limit)}};
      event->set_raw_payload(payload.dump());
      if (Utf8Length(event->raw_payload()) <= kMaxRawPayloadChars || limit == 0) break;
    }
    // A session id the API would refuse as a reference (too long, control characters) stays in
    // the payload only: the event must pass validation to be stored at all.
    bool usable_reference = Utf8Length(session_id) <= kMaxReferenceChars &&
                            std::none_of(session_id.begin(), session_id.end(), [](char c) {
                              return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
                            });
    if (usable_reference) event->set_source_eid(session_id);
    event->set_idempotency_key("webhook:sipgate:sms_failed:" + id.message_id);
    return mapped;
  }
  int rank = SipgateStageRank(id.event_type);
  if (rank == 0) {
    mapped.kind = MappedDelivery::Kind::kIgnored;
    mapped.ignored_reason = "sipgate event type " + id.event_type + " is not used";
    return mapped;
  }
  mapped.kind = MappedDelivery::Kind::kCall;
  CallContribution& call = mapped.call;
  call.call_id = session_id;
  call.rank = rank;
  call.channel = "voice";
  call.direction = direction;
  call.customer_phone = customer_phone;
  call.starts_call = id.event_type == "session_start";
  call.ends_call = id.event_type == "session_end";
  if (call.starts_call) call.started_at = received_at;
  if (call.ends_call) call.ended_at = received_at;
  if (id.event_type == "user_speak") {
    if (auto text = TurnText(body)) call.turn = "User: " + *text;
  } else if (id.event_type == "assistant_speak") {
    if (auto text = TurnText(body)) call.turn = "Assistant: " + *text;
  } else if (id.event_type == "dtmf_received") {
    std::optional<std::string> digit = Text(body, {"digit"});
    if (!digit) digit = Text(body, {"dtmf"});
    call.turn = "User pressed " + digit.value_or("a key");
  }
  return mapped;
}

}  // namespace aievents::ingest
