// Base64 in the two alphabets the suite uses, strict where it reads: Abseil decodes (and skips
// whitespace); these wrappers first refuse anything outside the expected form, so a key or a
// token has exactly one spelling.
#ifndef AIEVENTS_COMMON_TEXT_BASE64_H_
#define AIEVENTS_COMMON_TEXT_BASE64_H_

#include <optional>
#include <string>
#include <string_view>

namespace aievents {

// Base64url without padding (RFC 4648 section 5): API keys, webhook tokens, page tokens.
std::string Base64UrlEncode(std::string_view data);

// Decodes base64url without padding; nullopt for anything else.
std::optional<std::string> Base64UrlDecode(std::string_view text);

// Standard base64 with padding (RFC 4648 section 4): signatures, protobuf `bytes` in JSON.
std::string Base64Encode(std::string_view data);

// Decodes padded standard base64 (length a multiple of 4); nullopt for anything else.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_TEXT_BASE64_H_
