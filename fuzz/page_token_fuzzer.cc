// The page-token decoder on any token text, checked against the fingerprint of a fixed query
// and against the fingerprint the token itself carries (so the fuzzer reaches past the
// fingerprint check without forging a digest). Checks:
//  - every refusal is INVALID_ARGUMENT naming page_token;
//  - a decoded position is a UUID and a sort key, and encodes to a token that decodes to the
//    same position, for its own query only;
//  - a position built from the input (any sort key, a UUID in either case) survives
//    encoding and decoding unchanged.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "common/rpc/grpc_status.h"
#include "common/rpc/page_token.h"
#include "common/text/base64.h"
#include "common/text/ids.h"
#include "fuzz/fuzz_support.h"

namespace {

using aievents::DecodePageToken;
using aievents::EncodePageToken;
using aievents::PagePosition;

const std::string& Fingerprint() {
  static const std::string* fingerprint =
      new std::string(aievents::QueryFingerprint("events|customer=1|matched=true"));
  return *fingerprint;
}

void CheckRefusal(const absl::Status& status) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument, status.ToString());
  std::vector<aievents::FieldViolation> violations = aievents::GetFieldViolations(status);
  FUZZ_CHECK(violations.size() == 1 && violations[0].field == "page_token", status.ToString());
}

void CheckDecode(const std::string& token, const std::string& fingerprint) {
  absl::StatusOr<PagePosition> position = DecodePageToken(token, fingerprint);
  if (!position.ok()) return CheckRefusal(position.status());
  FUZZ_CHECK(aievents::IsUuid(position->id), "decoded id " + position->id);
  std::string again = EncodePageToken(*position, fingerprint);
  absl::StatusOr<PagePosition> redecoded = DecodePageToken(again, fingerprint);
  FUZZ_CHECK(redecoded.ok() && redecoded->sort_micros == position->sort_micros &&
                 redecoded->id == position->id,
             "re-encoded token " + again + " decodes differently");
  absl::StatusOr<PagePosition> elsewhere = DecodePageToken(again, fingerprint + "0");
  FUZZ_CHECK(!elsewhere.ok(), "a token decodes for another query");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string token(reinterpret_cast<const char*>(data), size);
  CheckDecode(token, Fingerprint());
  if (std::optional<std::string> text = aievents::Base64UrlDecode(token)) {
    std::vector<std::string> parts = absl::StrSplit(*text, '|');
    if (parts.size() >= 2) CheckDecode(token, parts[1]);
  }

  // A position made from the input: eight bytes of sort key, then 32 hex digits of id.
  aievents::fuzz::ByteReader input(data, size);
  PagePosition position{static_cast<int64_t>(input.Uint64()), ""};
  static constexpr char kHex[] = "0123456789abcdefABCDEF";
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) position.id += '-';
    position.id += kHex[input.Byte() % 22];
  }
  absl::StatusOr<PagePosition> decoded =
      DecodePageToken(EncodePageToken(position, Fingerprint()), Fingerprint());
  FUZZ_CHECK(
      decoded.ok() && decoded->sort_micros == position.sort_micros && decoded->id == position.id,
      "position " + std::to_string(position.sort_micros) + " " + position.id +
          " does not survive a token");
  return 0;
}
