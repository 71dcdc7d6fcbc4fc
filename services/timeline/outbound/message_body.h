// An outbound message as it goes on the wire (Standard Webhooks): the body
// {"type", "timestamp", "data"} and the webhook-id / webhook-timestamp / webhook-signature
// headers, one "v1," signature per secret that signs (two during a rotation).
#ifndef AIEVENTS_SERVICES_TIMELINE_OUTBOUND_MESSAGE_BODY_H_
#define AIEVENTS_SERVICES_TIMELINE_OUTBOUND_MESSAGE_BODY_H_

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace aievents::timeline {

// Bodies stay under this many bytes.
inline constexpr size_t kMaxBodyBytes = 20 * 1024;

// "msg_" + the message's UUID as 32 hex digits: the webhook-id of every attempt.
std::string WebhookMessageId(const std::string& message_uuid);

// The body for `data`. An ai_event whose body would reach kMaxBodyBytes loses its raw_payload
// (data.raw_payload becomes null and data.raw_payload_omitted true; the receiver reads the
// whole event with GET /v1/ai-events/{id}).
std::string MessageBody(const std::string& type, absl::Time timestamp, nlohmann::ordered_json data);

// The headers of one attempt, signed with every key in `keys` (decoded secrets).
std::vector<std::pair<std::string, std::string>> SignedHeaders(
    const std::string& message_id, absl::Time now, const std::string& body,
    const std::vector<std::string>& keys);

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_OUTBOUND_MESSAGE_BODY_H_
