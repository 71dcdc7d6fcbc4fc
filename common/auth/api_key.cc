#include "common/auth/api_key.h"

#include "absl/strings/match.h"
#include "common/text/base64.h"
#include "common/text/crypto.h"
#include "common/text/text.h"

namespace aievents {

GeneratedApiKey GenerateApiKey() {
  GeneratedApiKey key;
  key.plaintext = "aiev_" + Base64UrlEncode(RandomBytes(32));
  key.hash = HashApiKey(key.plaintext);
  key.prefix = key.plaintext.substr(0, 12);
  return key;
}

std::string HashApiKey(std::string_view plaintext) { return Sha256Hex(plaintext); }

std::optional<std::string> ExtractApiKey(std::string_view x_api_key,
                                         std::string_view authorization) {
  x_api_key = TrimAscii(x_api_key);
  if (!x_api_key.empty()) return std::string(x_api_key);
  authorization = TrimAscii(authorization);
  if (authorization.size() > 7 && StartsWithIgnoreCase(authorization, "bearer ")) {
    std::string_view token = TrimAscii(authorization.substr(7));
    if (!token.empty()) return std::string(token);
  }
  return std::nullopt;
}

}  // namespace aievents
