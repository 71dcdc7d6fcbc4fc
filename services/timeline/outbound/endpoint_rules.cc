#include "services/timeline/outbound/endpoint_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status/status_details.h"
#include "common/text/base64.h"
#include "common/text/crypto.h"
#include "common/text/text.h"

namespace aievents::timeline {

absl::Status CheckEndpointUrl(const std::string& url, const OutboundPolicy& policy) {
  if (url.empty()) return InvalidArgumentWithViolations({{"url", "is required"}});
  if (url.size() > kMaxUrlChars) {
    return InvalidArgumentWithViolations(
        {{"url", absl::StrCat("must be at most ", kMaxUrlChars, " characters")}});
  }
  absl::StatusOr<TargetUrl> target = ParseTargetUrl(url, policy, "url");
  if (!target.ok()) return target.status();
  return ResolveTarget(*target, policy, "url").status();
}

absl::StatusOr<std::vector<std::string>> CheckEventTypes(
    const google::protobuf::RepeatedPtrField<std::string>& types) {
  if (types.empty()) {
    return InvalidArgumentWithViolations(
        {{"event_types",
          "must name at least one of ai_event.created, ai_event.associated, "
          "customer.erased"}});
  }
  std::vector<FieldViolation> violations;
  std::vector<std::string> kept;
  for (int i = 0; i < types.size(); ++i) {
    const std::string& type = types[i];
    if (type != kEventCreated && type != kEventAssociated && type != kCustomerErased) {
      violations.push_back({absl::StrCat("event_types[", i, "]"),
                            "must be one of ai_event.created, ai_event.associated, "
                            "customer.erased"});
    } else if (std::find(kept.begin(), kept.end(), type) == kept.end()) {
      kept.push_back(type);
    }
  }
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  return kept;
}

absl::Status CheckDescription(const std::string& description) {
  if (Utf8Length(description) > kMaxDescriptionChars) {
    return InvalidArgumentWithViolations(
        {{"description", absl::StrCat("must be at most ", kMaxDescriptionChars, " characters")}});
  }
  return absl::OkStatus();
}

std::string NewSigningSecret() { return absl::StrCat("whsec_", Base64Encode(RandomBytes(32))); }

}  // namespace aievents::timeline
