// The RFC 3339 parser on any text. Checks, when it accepts:
//  - the instant is in the supported range (years 1900 to 9999 in UTC);
//  - Abseil's own RFC 3339 parser reads the same instant (truncated to microseconds), for
//    the spellings both accept ('T' or 't', an offset or 'Z');
//  - formatting it gives text it parses back to the same instant, in the canonical UTC form.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "common/text/rfc3339.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<absl::Time> parsed = aievents::ParseRfc3339(text);
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.status().code() == absl::StatusCode::kInvalidArgument &&
                   !parsed.status().message().empty(),
               parsed.status().ToString());
    return 0;
  }
  static const absl::Time kFirst =
      absl::FromCivil(absl::CivilSecond(1900, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  static const absl::Time kEnd =
      absl::FromCivil(absl::CivilSecond(10000, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  FUZZ_CHECK(*parsed >= kFirst && *parsed < kEnd, "out of range: " + absl::FormatTime(*parsed));

  if (text[10] != ' ') {
    absl::Time reference;
    std::string error;
    if (absl::ParseTime(absl::RFC3339_full, text, &reference, &error)) {
      FUZZ_CHECK(
          absl::ToUnixMicros(reference) == absl::ToUnixMicros(*parsed),
          "Abseil reads " + absl::FormatTime(reference) + ", we read " + absl::FormatTime(*parsed));
    } else {
      // Abseil refuses only what lies outside RFC 3339 itself; we accept nothing of the kind.
      FUZZ_CHECK(false, "accepted what Abseil's RFC 3339 parser refuses: " + error);
    }
  }

  std::string formatted = aievents::FormatRfc3339(*parsed);
  absl::StatusOr<absl::Time> again = aievents::ParseRfc3339(formatted);
  FUZZ_CHECK(again.ok() && *again == *parsed, "formatted as " + formatted);
  FUZZ_CHECK(aievents::FormatRfc3339(*again) == formatted, "formats differently: " + formatted);
  FUZZ_CHECK(formatted.size() >= 20 && formatted[10] == 'T' && formatted.back() == 'Z', formatted);
  return 0;
}
