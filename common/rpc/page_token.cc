#include "common/rpc/page_token.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/rpc/grpc_status.h"
#include "common/text/base64.h"
#include "common/text/crypto.h"
#include "common/text/ids.h"

namespace aievents {
namespace {

absl::Status BadToken(const std::string& why) {
  return InvalidArgumentWithViolations({{"page_token", why}});
}

}  // namespace

std::string QueryFingerprint(const std::string& description) {
  return Sha256Hex(description).substr(0, 16);
}

std::string EncodePageToken(const PagePosition& position, const std::string& query_fingerprint) {
  return Base64UrlEncode(
      absl::StrCat("v1|", query_fingerprint, "|", position.sort_micros, "|", position.id));
}

absl::StatusOr<PagePosition> DecodePageToken(const std::string& token,
                                             const std::string& query_fingerprint) {
  std::optional<std::string> text = Base64UrlDecode(token);
  if (!text.has_value()) return BadToken("is not a page token this API issued");
  std::vector<std::string> parts = absl::StrSplit(*text, '|');
  PagePosition position;
  if (parts.size() != 4 || parts[0] != "v1" || !absl::SimpleAtoi(parts[2], &position.sort_micros) ||
      !IsUuid(parts[3])) {
    return BadToken("is not a page token this API issued");
  }
  if (parts[1] != query_fingerprint) {
    return BadToken(
        "belongs to a different list or filters; repeat the first request's filters or start "
        "again without a token");
  }
  position.id = parts[3];
  return position;
}

}  // namespace aievents
