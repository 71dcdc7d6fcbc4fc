#include "common/text/base64.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"

namespace aievents {
namespace {

// Debian's Abseil has its own string_view type.
absl::string_view Abseil(std::string_view text) { return {text.data(), text.size()}; }

bool IsUrlAlphabet(char c) { return absl::ascii_isalnum(c) || c == '-' || c == '_'; }
bool IsStandardAlphabet(char c) { return absl::ascii_isalnum(c) || c == '+' || c == '/'; }

}  // namespace

std::string Base64UrlEncode(std::string_view data) {
  return absl::WebSafeBase64Escape(Abseil(data));
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  for (char c : text) {
    if (!IsUrlAlphabet(c)) return std::nullopt;
  }
  std::string out;
  if (!absl::WebSafeBase64Unescape(Abseil(text), &out)) return std::nullopt;
  return out;
}

std::string Base64Encode(std::string_view data) { return absl::Base64Escape(Abseil(data)); }

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  size_t body = text.find_last_not_of('=') + 1;
  if (text.size() - body > 2) return std::nullopt;
  for (size_t i = 0; i < body; ++i) {
    if (!IsStandardAlphabet(text[i])) return std::nullopt;
  }
  std::string out;
  if (!absl::Base64Unescape(Abseil(text), &out)) return std::nullopt;
  return out;
}

}  // namespace aievents
