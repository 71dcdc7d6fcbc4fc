// API keys: 256-bit random secrets shown once and stored only as SHA-256 hashes. A key names its
// tenant; callers send it as `x-api-key: KEY` or `authorization: Bearer KEY`.
//
// Format: "aiev_" + 43 base62 characters of randomness + 6 base62 characters of the CRC-32 of
// those 43, 54 characters in all. The fixed prefix and the checksum let secret scanners find a
// leaked key and tell it from look-alikes without asking us (regex `aiev_[0-9A-Za-z]{49}`);
// base62 keeps a key one word when double-clicked. Keys made before this format
// ("aiev_" + 43 base64url characters) keep working.
#ifndef AIEVENTS_COMMON_AUTH_API_KEY_H_
#define AIEVENTS_COMMON_AUTH_API_KEY_H_

#include <optional>
#include <string>
#include <string_view>

namespace aievents {

struct GeneratedApiKey {
  std::string plaintext;  // shown once, never stored
  std::string hash;       // what the database stores
  std::string prefix;     // first 12 characters, for recognising a key in listings and logs
};

GeneratedApiKey GenerateApiKey();

// Hex SHA-256 of the key.
std::string HashApiKey(std::string_view plaintext);

// False for a string in the current key format whose checksum does not match (a mistyped or
// forged key, refused without a database lookup); true otherwise, older formats included.
bool ApiKeyChecksumPlausible(std::string_view key);

// True when `key` is in the current format with a matching checksum (what a scanner checks).
bool IsWellFormedApiKey(std::string_view key);

// The key's display prefix (its first 12 characters).
std::string ApiKeyPrefix(std::string_view key);

// The key from an `x-api-key` value or an `authorization: Bearer` value (either may be empty);
// nullopt when neither carries one.
std::optional<std::string> ExtractApiKey(std::string_view x_api_key,
                                         std::string_view authorization);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_AUTH_API_KEY_H_
