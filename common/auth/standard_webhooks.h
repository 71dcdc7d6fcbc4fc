// Standard Webhooks signatures (https://www.standardwebhooks.com), the scheme Svix uses for
// Agntix: HMAC-SHA256 over "{webhook-id}.{webhook-timestamp}.{body}" with the base64 secret
// after "whsec_", sent as space-separated "v1,<base64>" signatures (several during a key
// rotation). Headers may be named webhook-* or svix-*.
#ifndef AIEVENTS_COMMON_AUTH_STANDARD_WEBHOOKS_H_
#define AIEVENTS_COMMON_AUTH_STANDARD_WEBHOOKS_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace aievents {

// How far a signature's timestamp may be from now, either way (replay protection).
constexpr absl::Duration kSignatureTolerance = absl::Minutes(5);

// The HMAC key of a "whsec_<base64>" secret (the prefix is optional). INVALID_ARGUMENT when
// the rest is not base64 or decodes to fewer than 16 bytes.
absl::StatusOr<std::string> DecodeSigningSecret(std::string_view secret);

// "v1,<base64 HMAC>" for the message (what a sender puts in webhook-signature).
std::string SignStandardWebhook(std::string_view key, std::string_view message_id,
                                std::string_view timestamp, std::string_view body);

// OK when one of the signatures in `headers` (lower-case names) is valid for one of the keys
// (decoded secrets) and the timestamp is within the tolerance of `now`. UNAUTHENTICATED naming
// what is wrong otherwise. Comparisons are constant-time.
absl::Status VerifyStandardWebhook(const std::map<std::string, std::string>& headers,
                                   std::string_view body, const std::vector<std::string>& keys,
                                   absl::Time now);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_AUTH_STANDARD_WEBHOOKS_H_
