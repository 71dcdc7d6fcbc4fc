#include "services/matching/suppression_hasher.h"

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/text/base64.h"
#include "common/text/crypto.h"

namespace aievents::matching {

absl::StatusOr<SuppressionHasher> SuppressionHasher::Load(const std::string& key_file,
                                                          const std::string& key) {
  std::string text = key;
  std::string setting = "suppression-key";
  if (!key_file.empty()) {
    std::ifstream in(key_file);
    if (!in || !std::getline(in, text)) {
      return absl::InvalidArgumentError(
          absl::StrCat("suppression-key-file: cannot read ", key_file));
    }
    setting = "suppression-key-file";
  }
  std::optional<std::string> decoded = Base64Decode(std::string(absl::StripAsciiWhitespace(text)));
  if (!decoded.has_value() || decoded->size() < 32) {
    return absl::InvalidArgumentError(absl::StrCat(
        setting,
        ": must be base64 of at least 32 random bytes (head -c 32 /dev/urandom | base64)"));
  }
  return SuppressionHasher(*std::move(decoded));
}

std::string SuppressionHasher::Hash(std::string_view kind, std::string_view value) const {
  return HmacSha256Hex(key_, std::string(kind) + ":" + std::string(value));
}

}  // namespace aievents::matching
