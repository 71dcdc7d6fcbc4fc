// Small text helpers on std::string_view. Debian's Abseil has its own string_view type, so
// these stand in for absl::StripAsciiWhitespace and friends on std types. Length limits are
// counted in Unicode characters (code points), as the API defines them, not bytes.
#ifndef AIEVENTS_COMMON_TEXT_TEXT_H_
#define AIEVENTS_COMMON_TEXT_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace aievents {

// Number of code points in valid UTF-8 text (continuation bytes are not counted).
size_t Utf8Length(std::string_view text);

// The longest prefix of `text` with at most `max_chars` code points.
std::string_view Utf8Prefix(std::string_view text, size_t max_chars);

// `text` with every byte sequence that is not valid UTF-8 replaced by U+FFFD, so it can be
// shown (and carried in a proto string field) safely.
std::string SanitizeUtf8(std::string_view text);

// True when `text` is well-formed UTF-8 (RFC 3629, as protobuf requires of string fields).
bool IsValidUtf8(std::string_view text);

// `text` without leading and trailing ASCII white space.
std::string_view TrimAscii(std::string_view text);

// ASCII letters lower-cased; other bytes unchanged.
std::string ToLowerAscii(std::string_view text);

// True when `text` starts with `prefix`, ignoring ASCII case.
bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_TEXT_TEXT_H_
