// Thin wrappers over OpenSSL: secure random bytes, SHA-256 and HMAC-SHA256.
#ifndef AIEVENTS_COMMON_TEXT_CRYPTO_H_
#define AIEVENTS_COMMON_TEXT_CRYPTO_H_

#include <string>
#include <string_view>

namespace aievents {

// `count` bytes from the operating system's CSPRNG. Aborts if the CSPRNG fails, because no
// caller can do anything safe without randomness.
std::string RandomBytes(size_t count);

// Lower-case hex of SHA-256(data).
std::string Sha256Hex(std::string_view data);

// Lower-case hex of HMAC-SHA256(key, data).
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// Lower-case hex of `data`.
std::string HexEncode(std::string_view data);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_TEXT_CRYPTO_H_
