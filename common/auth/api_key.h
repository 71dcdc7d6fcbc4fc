// API keys: 256-bit random secrets shown once and stored only as SHA-256 hashes. A key names its
// tenant; callers send it as `x-api-key: KEY` or `authorization: Bearer KEY`.
#ifndef AIEVENTS_COMMON_AUTH_API_KEY_H_
#define AIEVENTS_COMMON_AUTH_API_KEY_H_

#include <optional>
#include <string>
#include <string_view>

namespace aievents {

struct GeneratedApiKey {
  std::string plaintext;  // "aiev_" + 43 base64url characters; shown once, never stored
  std::string hash;       // what the database stores
  std::string prefix;     // first 12 characters, for recognising a key in listings and logs
};

GeneratedApiKey GenerateApiKey();

// Hex SHA-256 of the key.
std::string HashApiKey(std::string_view plaintext);

// The key from an `x-api-key` value or an `authorization: Bearer` value (either may be empty);
// nullopt when neither carries one.
std::optional<std::string> ExtractApiKey(std::string_view x_api_key,
                                         std::string_view authorization);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_AUTH_API_KEY_H_
