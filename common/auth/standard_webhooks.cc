#include "common/auth/standard_webhooks.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/text/base64.h"
#include "common/text/text.h"

namespace aievents {
namespace {

std::string Header(const std::map<std::string, std::string>& headers, const char* standard,
                   const char* svix) {
  if (auto it = headers.find(standard); it != headers.end()) return it->second;
  if (auto it = headers.find(svix); it != headers.end()) return it->second;
  return "";
}

}  // namespace

absl::StatusOr<std::string> DecodeSigningSecret(std::string_view secret) {
  secret = TrimAscii(secret);
  if (secret.rfind("whsec_", 0) == 0) secret.remove_prefix(6);
  std::optional<std::string> key = Base64Decode(secret);
  if (!key.has_value() || key->size() < 16) {
    return absl::InvalidArgumentError(
        "must be a Standard Webhooks secret: \"whsec_\" followed by base64 of at least 16 bytes");
  }
  return *key;
}

std::string SignStandardWebhook(std::string_view key, std::string_view message_id,
                                std::string_view timestamp, std::string_view body) {
  std::string signed_content =
      absl::StrCat(std::string(message_id), ".", std::string(timestamp), ".");
  signed_content.append(body);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(signed_content.data()), signed_content.size(), digest,
       &length);
  return "v1," + Base64Encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

absl::Status VerifyStandardWebhook(const std::map<std::string, std::string>& headers,
                                   std::string_view body, const std::vector<std::string>& keys,
                                   absl::Time now) {
  std::string id = Header(headers, "webhook-id", "svix-id");
  std::string timestamp = Header(headers, "webhook-timestamp", "svix-timestamp");
  std::string signatures = Header(headers, "webhook-signature", "svix-signature");
  if (id.empty() || timestamp.empty() || signatures.empty()) {
    return absl::UnauthenticatedError(
        "missing signature headers (webhook-id, webhook-timestamp, webhook-signature or their "
        "svix-* equivalents)");
  }
  int64_t seconds = 0;
  if (!absl::SimpleAtoi(timestamp, &seconds)) {
    return absl::UnauthenticatedError("webhook-timestamp is not a Unix time in seconds");
  }
  if (absl::AbsDuration(now - absl::FromUnixSeconds(seconds)) > kSignatureTolerance) {
    return absl::UnauthenticatedError(
        "webhook-timestamp is more than 5 minutes from now (stale or replayed delivery)");
  }
  for (const std::string& key : keys) {
    std::string expected = SignStandardWebhook(key, id, timestamp, body);
    size_t start = 0;
    while (start < signatures.size()) {
      size_t end = signatures.find(' ', start);
      if (end == std::string::npos) end = signatures.size();
      std::string_view candidate(signatures.data() + start, end - start);
      if (candidate.size() == expected.size() &&
          CRYPTO_memcmp(candidate.data(), expected.data(), expected.size()) == 0) {
        return absl::OkStatus();
      }
      start = end + 1;
    }
  }
  return absl::UnauthenticatedError("no valid signature for this source's signing secret");
}

}  // namespace aievents
