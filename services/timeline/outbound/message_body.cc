#include "services/timeline/outbound/message_body.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/auth/standard_webhooks.h"
#include "common/text/rfc3339.h"

namespace aievents::timeline {

std::string WebhookMessageId(const std::string& message_uuid) {
  return absl::StrCat("msg_", absl::StrReplaceAll(message_uuid, {{"-", ""}}));
}

std::string MessageBody(const std::string& type, absl::Time timestamp,
                        nlohmann::ordered_json data) {
  nlohmann::ordered_json body = {
      {"type", type}, {"timestamp", FormatRfc3339(timestamp)}, {"data", data}};
  std::string text = body.dump();
  if (text.size() < kMaxBodyBytes || !data.contains("raw_payload")) return text;
  body["data"]["raw_payload"] = nullptr;
  body["data"]["raw_payload_omitted"] = true;
  return body.dump();
}

std::vector<std::pair<std::string, std::string>> SignedHeaders(
    const std::string& message_id, absl::Time now, const std::string& body,
    const std::vector<std::string>& keys) {
  std::string timestamp = absl::StrCat(absl::ToUnixSeconds(now));
  std::vector<std::string> signatures;
  for (const std::string& key : keys) {
    signatures.push_back(SignStandardWebhook(key, message_id, timestamp, body));
  }
  return {{"webhook-id", message_id},
          {"webhook-timestamp", timestamp},
          {"webhook-signature", absl::StrJoin(signatures, " ")}};
}

}  // namespace aievents::timeline
