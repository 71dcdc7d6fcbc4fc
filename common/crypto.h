// Thin wrappers over OpenSSL: secure random bytes, SHA-256, base64url.
#ifndef AIEVENTS_COMMON_CRYPTO_H_
#define AIEVENTS_COMMON_CRYPTO_H_

#include <optional>
#include <string>
#include <string_view>

namespace aievents {

// `count` bytes from the operating system's CSPRNG. Aborts if the CSPRNG fails, because no
// caller can do anything safe without randomness.
std::string RandomBytes(size_t count);

// Lower-case hex of SHA-256(data).
std::string Sha256Hex(std::string_view data);

// Base64url without padding (RFC 4648 section 5).
std::string Base64UrlEncode(std::string_view data);

// Decodes base64url without padding; nullopt for anything else.
std::optional<std::string> Base64UrlDecode(std::string_view text);

// Lower-case hex of `data`.
std::string HexEncode(std::string_view data);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_CRYPTO_H_
