// What a webhook endpoint may be: its URL (through the SSRF defences of common/net), its event
// types and description, and how a signing secret looks. Pure rules, no database.
#ifndef AIEVENTS_SERVICES_TIMELINE_OUTBOUND_ENDPOINT_RULES_H_
#define AIEVENTS_SERVICES_TIMELINE_OUTBOUND_ENDPOINT_RULES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/net/outbound_target.h"
#include "google/protobuf/repeated_field.h"

namespace aievents::timeline {

inline constexpr char kEventCreated[] = "ai_event.created";
inline constexpr char kEventAssociated[] = "ai_event.associated";
inline constexpr char kCustomerErased[] = "customer.erased";
inline constexpr size_t kMaxUrlChars = 2048;
inline constexpr size_t kMaxDescriptionChars = 500;
inline constexpr int kMaxEndpointsPerTenant = 100;

// The URL's form and every address its host resolves to; INVALID_ARGUMENT naming `url`.
absl::Status CheckEndpointUrl(const std::string& url, const OutboundPolicy& policy);

// At least one type, each known; duplicates are dropped. INVALID_ARGUMENT naming
// `event_types` or `event_types[i]`.
absl::StatusOr<std::vector<std::string>> CheckEventTypes(
    const google::protobuf::RepeatedPtrField<std::string>& types);

absl::Status CheckDescription(const std::string& description);

// A new signing secret: "whsec_" + base64 of 32 random bytes.
std::string NewSigningSecret();

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_OUTBOUND_ENDPOINT_RULES_H_
