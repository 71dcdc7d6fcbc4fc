// RFC 3339 date-times (the profile of ISO 8601 the API accepts): a date, a time, and a zone.
#ifndef AIEVENTS_COMMON_TEXT_RFC3339_H_
#define AIEVENTS_COMMON_TEXT_RFC3339_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace aievents {

// Parses "2026-03-10T14:30:00Z", "2026-03-10T14:30:00.123+02:00" (also 't'/'z' and a space for
// 'T'). Rejects a missing zone, out-of-range fields (Feb 30, 25:00) and years outside
// 1900..9999. The error message says which rule failed.
absl::StatusOr<absl::Time> ParseRfc3339(std::string_view text);

// "2026-03-10T14:30:00Z" or with up to microsecond fraction, always UTC.
std::string FormatRfc3339(absl::Time time);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_TEXT_RFC3339_H_
